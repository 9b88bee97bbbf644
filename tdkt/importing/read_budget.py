"""What opening a workbook would hold in memory, estimated from its XML or records before calamine sees it.

Why: the row and cell limits bound the *shape* of a sheet, not what its cells hold. calamine copies a shared
string into every cell that shows it, expands an ODS cell `number-columns-repeated` times (its row
`number-rows-repeated` times, and `<text:s text:c="N"/>` into N spaces), copies a used block that does not start
at A1 once more to pad it, and python-calamine then builds a Python str for every copy. The container checks
(zip_checks, ods_checks, ole_checks) add up, per sheet, in bytes:

    every cell of the used block, empty or not ...... DENSE_CELL 40  (measured 42: calamine's Data + a list slot)
    each cell holding text / another value .......... STRING_CELL 100 / VALUE_CELL 50  (measured 147 / 85 in all,
                                                      ODS 207 / 114: ODS_STRING_CELL, ODS_VALUE_CELL)
    each text, for every cell it lands in ........... max(UTF-8 + str, 2 × str) bytes, the str at 1, 2 or 4 bytes a
                                                      character: Rust's copy beside the str while calamine hands
                                                      it over, or the str beside the reader's stripped/normalised
                                                      copy of its column (ODS: one more UTF-8 copy, measured)
    a block not starting at A1 ...................... OFFSET_CELL 32 a cell + OFFSET_VALUE 32 a value + its text
                                                      (measured +60 B a short text cell)
    the shared-string table itself .................. its UTF-8 + 24 B an entry
Measured with VmHWM around `read_workbook`, 1M cells of each kind: 1,000-letter cells take 2.1 KB each (charged
2.1), the same with one emoji 5.2 KB (charged 8.1).

MEMORY_BUDGET, 640 MiB: the product limit is 1 GiB per process, whatever the file; the CLI holds 212 MB before it
reads anything, and a list's parse and checks add ~100 MB per 100k rows after it is read. Whole-process figures
(`/usr/bin/time -v python -m tdkt import --dry-run FILE`, 2 cores shared; before → after this budget):
    2 MiB shared string × 5,000 cells (1.5 MB .xlsx) ... exit 134 after 9.1 s (at a 3 GB cap) → refused, 3.5 s, 212 MB
    the same as one ODS cell repeated 5,000 times ...... exit 134 after 5.0 s → refused, 3.0 s, 212 MB
    × 300 cells: .xlsx / .ods .......................... 1,362 / 1,959 MB → refused, 2.1 s, 212 MB
    8M short text cells without references (3.7 MB) .... 42.6 s, 1,215 MB, "no header" → refused, 4.4 s, 212 MB
    .xls: a 65,535-letter shared string × 12,000 ....... 2,407 MB → refused, 2.1 s, 212 MB
    ODS `<text:s text:c="1000000000"/>` (3 KB) ......... 3,065 MB at a 4 GB cap → refused, 2.1 s, 212 MB
    bench/import.py's 100k-row list, 8 columns ......... read, estimate 156 MB: 5.3 s, 320 MB → 5.2 s, 320 MB
    the same list as .ods (LibreOffice) ................ read, estimate 158 MB: 8.1 s, 324 MB → 8.7 s, 324 MB
    100k rows × 40 columns (23 MB, upload limit raised)  read, estimate 586 MB: 15.6 s, 707 MB → 20.4 s, 707 MB
A list of 100k rows × 40 text columns is near the budget (and, measured, near 1 GiB in all): past it, the message
asks to split the list.
"""

from __future__ import annotations

import re
from collections import Counter

MEMORY_BUDGET = 640 * 1024 * 1024
DENSE_CELL = 40
STRING_CELL = 100
VALUE_CELL = 50
OFFSET_CELL = 32  # a used block not starting at A1: calamine copies it whole (Data, and each text again)
OFFSET_VALUE = 32  # measured +60 B a short text cell, +1 B a text byte (xlsx and ods alike)
ODS_STRING_CELL = 155  # calamine's ODS reader holds each cell twice for a while: 207 B a short text measured
ODS_VALUE_CELL = 75  # 114 B a number measured (its displayed text charged too); +13 B for LibreOffice's files


# A character reference beyond the BMP (&#128512;, &#x1F600;) makes the whole str 4 bytes a character
_WIDE_REF = re.compile(rb"&#(?:x0*[1-9a-fA-F][0-9a-fA-F]{4,}|0*[1-9][0-9]{4,});")
_ALL_BUT_CONTINUATION = bytes(set(range(256)) - set(range(0x80, 0xC0)))
_BELOW_F0 = bytes(range(0xF0))  # UTF-8 lead bytes from F0 start characters beyond the BMP: 4 bytes in a str
_BELOW_C4 = bytes(range(0xC4))  # from C4 (U+0100), 2 bytes in a str


_DIGITS_AS_ZERO = bytes.maketrans(b"123456789abcdefABCDEF", b"0" * 21)


def _may_be_wide_ref(text: bytes) -> bool:
    """Return False when no character reference of the text has five digits or more (none can be beyond the BMP).

    openpyxl writes every Vietnamese letter as a 4-digit reference: `_WIDE_REF.findall` stopped at each of a 100k-row
    list's 1.4M references (94 ms); this translate and two searches take about 20 ms.
    """
    zeroed = text.translate(_DIGITS_AS_ZERO)
    return b"&#00000" in zeroed or b"&#x00000" in zeroed or b"&#X00000" in zeroed


def _width(text: bytes) -> int:
    """Return the bytes per character of the Python str of an XML text: 1 (Latin-1), 2 (BMP) or 4."""
    refs = b"&#" in text  # openpyxl writes every non-ASCII letter as a reference (&#7897;)
    if refs and _may_be_wide_ref(text):
        for ref in _WIDE_REF.findall(text):
            digits = ref[2:-1]
            if (int(digits[1:], 16) if digits[:1] in b"xX" else int(digits)) >= 0x10000:
                return 4
    if text.isascii():
        return 2 if refs else 1
    if text.translate(None, _BELOW_F0):
        return 4
    return 2 if refs or text.translate(None, _BELOW_C4) else 1


def _chars(text: bytes) -> int:
    """Return an upper bound of the characters of an XML text (a reference, at least 4 bytes, is one)."""
    continuation = 0 if text.isascii() else len(text.translate(None, _ALL_BUT_CONTINUATION))
    return len(text) - continuation - 3 * text.count(b"&#")


def cost_of(utf8: int, width: int, chars: int) -> int:
    """Return the peak bytes of one text: Rust's copy and the str while calamine hands it over, or the str and a
    stripped or normalised copy of it while the reader converts its column."""
    python = width * chars
    return max(utf8 + python, 2 * python)


def text_cost(text: bytes) -> int:
    """Return the estimated bytes of the strings calamine and the reader build from one XML text."""
    return cost_of(len(text), _width(text), _chars(text)) if text else 0


def texts_cost(texts: list[bytes]) -> tuple[int, int]:
    """Return (estimated bytes, UTF-8 bytes at most) of the strings built from these XML texts."""
    joined = b"".join(texts)
    if not joined:
        return 0, 0
    width = _width(joined)
    if width == 4 and len(texts) > 1:  # one wide text must not make its neighbours wide
        return sum(map(text_cost, texts)), len(joined)
    return cost_of(len(joined), width, _chars(joined)), len(joined)


_NOT_SURROGATE = bytes(set(range(256)) - set(range(0xD8, 0xE0)))


def utf16_text(raw: bytes, *, wide: bool) -> tuple[int, int, int]:
    """Return (UTF-8 bytes at most, str width, characters) of an xls text: 16-bit units or 8-bit characters."""
    if not wide:
        return len(raw) * (1 if raw.isascii() else 2), 1, len(raw)
    high = raw[1::2]
    width = 4 if high.translate(None, _NOT_SURROGATE) else 2 if high.strip(b"\x00") else 1
    return 3 * len(high), width, len(high)


_TAG = re.compile(rb"<[^>]*>")
_SI_TAG = re.compile(rb"<(/?)(?:[\w.\-]+:)?si(?=[\s/>])[^>]*?(/?)>")
_PLAIN_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')


class SharedStrings:
    """The shared-string table's texts as costs by index, read in one pass over `xl/sharedStrings.xml`."""

    def __init__(self) -> None:
        self.costs: list[int] = []
        self.lengths: list[int] = []
        self._open = False
        self._length = self._chars = self._width = 0

    def feed(self, buf: bytes, start: int, end: int) -> None:
        """Take one region of the part (no tag straddles two regions)."""
        if not self._open and b":si" not in buf[start:end]:
            found = _PLAIN_SI.findall(buf, start, end)
            if len(found) == buf.count(b"<si", start, end) == buf.count(b"</si>", start, end):
                self.costs.extend(map(text_cost, found))
                self.lengths.extend(map(len, found))
                return
        pos = start
        for tag in _SI_TAG.finditer(buf, start, end):
            if self._open:
                self._add(buf[pos : tag.start()])
            closing, empty = tag.group(1), tag.group(2)
            if closing and self._open:
                self.costs.append(cost_of(self._length, self._width, self._chars))
                self.lengths.append(self._length)
                self._open = False
            elif empty and not closing:
                self.costs.append(0)
                self.lengths.append(0)
            elif not closing:
                self._open, self._length, self._chars, self._width = True, 0, 0, 0
            pos = tag.end()
        if self._open:
            self._add(buf[pos:end])

    def _add(self, chunk: bytes) -> None:
        text = _TAG.sub(b"", chunk) if b"<" in chunk else chunk  # a text's size and width, never its bytes
        if text:
            self._length += len(text)
            self._chars += _chars(text)
            self._width = max(self._width, _width(text))

    def table_cost(self) -> int:
        """Return what calamine holds for the table itself (one String per entry) while the workbook is open."""
        return sum(self.lengths) + 24 * len(self.lengths)

    def refs_cost(self, counts: Counter[bytes]) -> tuple[int, int]:
        """Return (estimated bytes, UTF-8 bytes) of the cells referring to the table, from index -> uses."""
        costs, lengths, n = self.costs, self.lengths, len(self.costs)
        cost = text = 0
        for key, uses in counts.items():
            index = int(key)
            if index < n:  # calamine refuses a reference past the table; it holds nothing for it
                cost += uses * costs[index]
                text += uses * lengths[index]
        return cost, text


# The texts of a worksheet part that are not shared strings: inline strings (<is><t>…) and a <v> that is not a
# number (a formula's text result, t="str", or an untyped cell, which calamine reads as text).
_V_TEXT = re.compile(rb"<v>([0-9.Ee+\-]*[^0-9.Ee+\-<][^<]*)")
_T_TEXT = re.compile(rb"<t(?:>| [^>]*>)([^<]*)")
_VALUE_ANY = re.compile(rb"<(?:[\w.\-]+:)?(?:v|is)(?=[\s>])")
_V_TEXT_ANY = re.compile(rb"<(?:[\w.\-]+:)?v(?:\s[^>]*)?>([0-9.Ee+\-]*[^0-9.Ee+\-<][^<]*)")
_T_TEXT_ANY = re.compile(rb"<(?:[\w.\-]+:)?t(?:\s[^>]*)?>([^<]*)")
_SST_REF = re.compile(
    rb"""<(?:[\w.\-]+:)?c\s[^>]*?\bt\s*=\s*["']s["'][^>]*>(?:[^<]|<(?!/?(?:[\w.\-]+:)?(?:c|v)\b))*"""
    rb"""<(?:[\w.\-]+:)?v(?:\s[^>]*)?>\s*(\d+)"""
)


_STRING_TYPES = (b't="s', b't="inlineStr"')  # t="s" and t="str"
_STRING_TYPE_ANY = re.compile(rb"""\bt\s*=\s*["'](?:s|inlineStr|str)["']""")


class SheetTally:
    """One xlsx part's value cells and own texts, gathered region by region as the container check inflates it."""

    def __init__(self) -> None:
        self.values = 0
        self.strings = 0  # of the value cells, those holding text
        self.text_cost = 0
        self.text = 0
        self.at_a1 = True  # the used block starts at A1 (else calamine copies it once more)
        self._tail = self._tail_cost = 0  # the text that ended the last region (it may go on in the next one)

    def feed(self, buf: bytes, start: int, end: int, *, prefixed: bool) -> None:
        """Count one region (regions end just before a "<", or are a run of plain text inside a long text)."""
        if self._tail and start < end and buf[start] != 0x3C:  # a text longer than a region: charge it as widest
            more = buf.find(b"<", start, end)
            more = (end if more < 0 else more) - start
            self.text_cost += 8 * more + 8 * self._tail - self._tail_cost
            self.text += more
            self._tail += more
            self._tail_cost = 8 * self._tail
            if start + more == end:
                return
        self._tail = 0
        if prefixed:
            self.values += len(_VALUE_ANY.findall(buf, start, end))
            self.strings += len(_STRING_TYPE_ANY.findall(buf, start, end))
            found = _V_TEXT_ANY.findall(buf, start, end) + _T_TEXT_ANY.findall(buf, start, end)
        else:
            self.values += buf.count(b"<v>", start, end) + buf.count(b"<is>", start, end)
            self.strings += sum(buf.count(kind, start, end) for kind in _STRING_TYPES)
            found = _V_TEXT.findall(buf, start, end)
            self.strings += len(found)  # an untyped cell holding text (t="str" ones are counted twice: harmless)
            if buf.find(b"<t", start, end) >= 0:
                found += _T_TEXT.findall(buf, start, end)
        if found:
            cost, text = texts_cost(found)
            self.text_cost += cost
            self.text += text
            last = buf.rfind(b">", start, end) + 1
            if last and end - last and buf.find(b"<", last, end) < 0:
                self._tail, self._tail_cost = end - last, text_cost(buf[last:end])

    def estimate(self) -> int:
        """Return the value cells' own estimate (the used block and shared strings come on top)."""
        strings = min(self.strings, self.values)
        return strings * STRING_CELL + (self.values - strings) * VALUE_CELL + self.text_cost


def count_shared_refs(buf: bytes, start: int, end: int, counts: Counter[bytes]) -> None:
    """Add the shared-string index of every t="s" cell of one region to `counts` (about 0.6 µs a cell)."""
    counts.update(_SST_REF.findall(buf, start, end))
