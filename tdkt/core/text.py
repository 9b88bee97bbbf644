"""Vietnamese text helpers: cleaning what users type or upload, accent folding for search, the Vietnamese name sort
key, dates and money."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import tdkt.core.clock  # noqa: F401  (for its effect: the process's day is Vietnam's)
from tdkt.core.errors import Refused

# Tone marks (dấu thanh) in the Vietnamese collation order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Vowel marks that make distinct letters (ă, â, ê, ô, ơ, ư).
_VOWEL_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_ALPHABET = [
    "a", "a(", "a^", "b", "c", "d", "đ", "e", "e^", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "o^", "o+", "p", "q", "r", "s", "t", "u", "u+", "v", "w", "x", "y", "z",
]
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# Invisible format characters (Unicode category Cf): soft hyphen, zero-width space, (non-)joiner, LRM/RLM, the
# embeddings and overrides LRE…RLO, PDF, the isolates LRI…PDI, word joiner, BOM, tags… They draw nothing, so a name
# holding one looks like the name without it and would make one person two: they are removed. The list is Unicode
# 14's (Python 3.11); tests/test_clean_text.py checks it against unicodedata.
FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
_FORMAT = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in FORMAT_RANGES) + "]")
# Spaces (category Zs: no-break, en, em, thin, ideographic…) and the control characters Unicode counts as white
# space (tab, line feed, vertical tab, form feed, carriage return, next line), with the line and paragraph
# separators: in one-line text each run of them is one plain space.
_H_SPACE = " \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_BREAK = "\n\x0b\x0c\r\x85\u2028\u2029"
_SPACES = re.compile(f"[\t{_BREAK}{_H_SPACE}]+")
_LINE_SPACES = re.compile(f"[{_H_SPACE}]+")
_LINE_BREAK = re.compile(f"\r\n|[{_BREAK}]")
_AROUND_BREAK = re.compile(" ?\n ?")
_BLANK_LINES = re.compile("\n{3,}")
# What is left that cannot be stored the same way on both engines, or shown: the other control characters (NUL,
# which PostgreSQL refuses and SQLite stores; ESC, DEL, the C1 range…) and lone surrogates (no UTF-8 for them).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
TEXT_LIMIT = 32_767  # a text column's limit: the most an Excel cell holds, so that every stored text exports


def clean(text: str | None, *, multiline: bool = False) -> str:
    """Return user text as it is stored: invisible format characters removed, NFC, every space a plain space and runs
    of them collapsed, ends stripped; one-line text also turns line breaks and tabs into spaces, multi-line text
    keeps one "\\n" per line break (at most one blank line) and its tabs. Other control characters stay, for
    `text_problem` to report."""
    if not text:
        return ""
    # Most text is printable (no control, format or unusual space character): only NFC and the plain spaces are
    # left to look at, which costs about 0.2 µs for a name instead of 2 µs for the regular expressions.
    if text.isprintable():
        if not (text.isascii() or unicodedata.is_normalized("NFC", text)):
            text = unicodedata.normalize("NFC", text)
        return text.strip() if "  " not in text else " ".join(text.split())
    # The format characters go before NFC: one between a letter and its tone mark would keep them apart.
    text = unicodedata.normalize("NFC", _FORMAT.sub("", text))
    if not multiline:
        return _SPACES.sub(" ", text).strip(" ")
    text = _LINE_SPACES.sub(" ", _LINE_BREAK.sub("\n", text))
    return _BLANK_LINES.sub("\n\n", _AROUND_BREAK.sub("\n", text)).strip(" \t\n")


def nfc(text: str) -> str:
    """Return one-line text cleaned (see `clean`): NFC, no invisible format characters, one space between words."""
    return clean(text)


def limit_of(column: Any) -> int:
    """Return how many characters a model's text column holds (`Person.full_name` -> 255; a text column: TEXT_LIMIT)."""
    return getattr(getattr(column, "type", None), "length", None) or TEXT_LIMIT


def text_problem(text: str | None, *, label: str, limit: int) -> tuple[str, str] | None:
    """Return (code, Vietnamese message naming `label`) when cleaned text cannot be stored: longer than `limit`
    ("too_long") or holding a control character ("control_character"); None when it can."""
    if not text:
        return None
    if len(text) > limit:
        start = _CONTROL.sub("", text[:40]).rstrip()
        return "too_long", (f"“{label}” dài {format_number(len(text))} ký tự (bắt đầu bằng “{start}…”), quá giới hạn "
                            f"{format_number(limit)} ký tự: rút gọn lại, hoặc kiểm tra ô có bị dán nhầm nội dung.")
    if text.isprintable():
        return None
    found = _CONTROL.search(text)
    if found is None:
        return None
    where = found.start()
    around = _CONTROL.sub("�", text[max(0, where - 20): where + 20])
    return "control_character", (
        f"“{label}” có ký tự điều khiển không in được (mã U+{ord(found[0]):04X}, ở ký tự thứ {where + 1}: “{around}”), "
        "thường do dán từ phần mềm khác: xóa ký tự đó (gõ lại nội dung) rồi nhập lại.")


def form_text(value: str | None, *, label: str, column: Any = None, limit: int | None = None, multiline: bool = False,
              error: type[Refused] = Refused) -> str | None:
    """Return a form field cleaned (None when empty); raise `error` naming the field when it holds a control character
    or is longer than its column (`column` a model attribute, or `limit` characters)."""
    text = clean(value, multiline=multiline) if isinstance(value, str) else clean(str(value)) if value else ""
    problem = text_problem(text, label=label, limit=limit or limit_of(column))
    if problem is not None:
        raise error(problem[1])
    return text or None


def _fold_table() -> dict[int, str | None]:
    """Map every precomposed Latin letter to its base letter and drop combining marks (built once at import)."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base and base != chr(code) and len(base) == 1:
            table[code] = base
    for code in range(0x0300, 0x0370):
        table[code] = None
    for first, last in FORMAT_RANGES:  # invisible: a name with a zero-width space folds as the name without it
        table.update(dict.fromkeys(range(first, last + 1)))
    # Control characters other than white space: never in a key (PostgreSQL refuses NUL even in a query).
    table.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)]))
    return table


_FOLD = _fold_table()


def fold(text: str | None) -> str:
    """Return lower-case text without diacritics ("Đặng Văn Ân" -> "dang van an"), for search and matching."""
    if not text:
        return ""
    # str.translate with a prebuilt table is ~10x faster than NFD + filtering, and this runs per imported row.
    return " ".join(text.translate(_FOLD).casefold().split())


def contains(haystack: str | None, needle: str | None) -> bool:
    """Return True when needle occurs in haystack, ignoring case and diacritics."""
    return fold(needle) in fold(haystack)


def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return (letters, tones) ranks of one word for the Vietnamese collation."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
            continue
        if ch in _VOWEL_MARKS:
            if letters:
                base = _ALPHABET[letters[-1]] if letters[-1] < len(_ALPHABET) else ""
                letters[-1] = _RANK.get(base + _VOWEL_MARKS[ch], letters[-1])
            continue
        if unicodedata.combining(ch):
            continue
        letters.append(_RANK.get(ch, len(_ALPHABET) + ord(ch)))
        tones.append(0)
    return tuple(letters), tuple(tones)


def sort_key(text: str | None) -> tuple:
    """Return a key that orders words the Vietnamese way (letters first, then tones)."""
    words = nfc(text or "").split(" ")
    keys = [_word_key(w) for w in words]
    return tuple(k[0] for k in keys), tuple(k[1] for k in keys)


def name_sort_key(full_name: str | None) -> tuple:
    """Return the key that sorts person names by given name, then family name, then middle names."""
    words = nfc(full_name or "").split(" ")
    given, family, middle = words[-1], words[0] if len(words) > 1 else "", " ".join(words[1:-1])
    # Each part compares whole (letters, then tones) before the next part is looked at.
    return _word_key(given), _word_key(family), sort_key(middle)


def _order_text(ranks) -> str:
    # Ranks shifted past the separators (\x01, \x02; PostgreSQL text holds no \x00), surrogates stepped over.
    return "".join(chr(r + 3 if r + 3 < 0xD800 else min(r + 0x803, 0x10FFFF)) for r in ranks)


def _slow_order_word(word: str) -> tuple[str, str]:
    (letters,), (tones,) = sort_key(word)  # one word: one (letters, tones) pair
    return _order_text(letters), "".join(chr(t + 3) for t in tones)


def _order_tables() -> tuple[dict[int, str], dict[int, str]]:
    """Per-character tables giving `_slow_order_word`'s letters and tones of a word made of the characters that
    `_word_key` ranks one by one, whatever is around them: ASCII and the precomposed Latin letters whose lower case is
    one character decomposing to a base letter and marks (so no mark joins a neighbour, and no two letters come of
    one). Vietnamese has no multi-letter unit in `_ALPHABET` (ch, ng… sort letter by letter), ă â ê ô ơ ư đ are one
    character each. The tones table maps every other ASCII character (the white space `nfc` never leaves in a word)
    to a non-ASCII character, so a word is known to be covered when its tones are ASCII; a space becomes \\x00."""
    letters: dict[int, str] = {}
    tones: dict[int, str] = {}
    for code in [*range(0x80), *range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        lower = ch.lower()
        ok = len(lower) == 1 and clean(ch) == ch
        decomposed = unicodedata.normalize("NFD", lower) if ok else ""
        ok = ok and not unicodedata.combining(decomposed[0]) and decomposed[0] not in _TONES
        ok = ok and decomposed[0] not in _VOWEL_MARKS and len(sort_key(ch)[0][0]) == 1
        if ok:
            letters[code], tones[code] = _slow_order_word(ch)
        elif code < 0x80:
            tones[code] = "\u0100"
    letters[ord(" ")] = tones[ord(" ")] = "\x00"  # between the words of a name (`name_order`): no rank gives \x00
    return letters, tones


_ORDER_LETTERS, _ORDER_TONES = _order_tables()
_ORDER_WORDS: dict[str, tuple[str, str]] = {}  # the other words' keys (never changing): kept for the process, bounded
_ORDER_WORDS_LIMIT = 100_000


def _order_word(word: str) -> tuple[str, str]:
    """A word's (letters, tones) in `name_order`'s code points; `word` is one of `nfc` text's (no white space).

    A Vietnamese or ASCII word goes through two str.translate calls, equal to `sort_key`'s ranks
    (tests/test_name_order.py checks every character and random words); another word goes through `sort_key`,
    kept in a bounded cache."""
    tones = word.translate(_ORDER_TONES)
    if tones.isascii():
        return word.translate(_ORDER_LETTERS), tones
    found = _ORDER_WORDS.get(word)
    if found is None:
        found = _slow_order_word(word)
        if len(_ORDER_WORDS) >= _ORDER_WORDS_LIMIT:
            _ORDER_WORDS.clear()
        _ORDER_WORDS[word] = found
    return found


def name_order(name: str | None) -> str | None:
    """Return `name_sort_key` as one string that compares code point by code point (given name, family name, middle
    names; each word's letters, then tones), or None for no (or an empty) name. Stored beside a name
    (`Person.name_order`, `Nomination.name_order`), so that the database orders a year's 100k names (bench/pages.py
    at 1M nominations: sorting them in Python took 2 s CPU). A shorter word sorts first, as in tuple order. On
    PostgreSQL the column's collation is "C" (code points), whatever the database's."""
    if not name:
        return None
    text = nfc(name)
    tones = text.translate(_ORDER_TONES)
    if tones.isascii():  # `_order_word`'s fast path for the whole name at once: 0.23 s per 100k names (was 0.7–1.2)
        letters, tones = text.translate(_ORDER_LETTERS).split("\x00"), tones.split("\x00")
        family = (letters[0], tones[0]) if len(letters) > 1 else ("", "")
        return "\x01".join((letters[-1], tones[-1], *family, "\x02".join(letters[1:-1]), "\x02".join(tones[1:-1])))
    parts = text.split(" ")
    given, family = _order_word(parts[-1]), _order_word(parts[0] if len(parts) > 1 else "")
    middle = [_order_word(w) for w in parts[1:-1]] or [_order_word("")]
    return "\x01".join((*given, *family, "\x02".join(m[0] for m in middle), "\x02".join(m[1] for m in middle)))


def collective_order(name: str | None) -> str | None:
    """Return `sort_key` as one string comparing code point by code point (the words as written, one after the other:
    each one's letters, then the tones), or None for no (or an empty) name: the key of a collective's or a household's
    name (`Nomination.name_order`), which reads as written ("Trung tâm Khuyến công" under T, not under "công").

    Households go by it too ("Gia đình ông Lê Văn Hải", "Hộ gia đình bà …"): the name is a phrase the Office writes,
    whose head cannot be told apart reliably ("… ông A và bà B", "Hộ ông Tư (thôn Bản Chành)"), and as written the
    households stand together, by the head's family name. A word's end (\\x02) sorts before any letter and the
    letters' end (\\x01) before a word's end, so a shorter word and a name of fewer words sort first, as in `sort_key`.
    """
    if not name:
        return None
    text = nfc(name)
    tones = text.translate(_ORDER_TONES)
    if tones.isascii():  # every word ranked letter by letter (`_order_word`'s fast path), the whole name at once
        return text.translate(_ORDER_LETTERS).replace("\x00", "\x02") + "\x01" + tones.replace("\x00", "\x02")
    words = [_order_word(w) for w in text.split(" ")]
    return "\x02".join(w[0] for w in words) + "\x01" + "\x02".join(w[1] for w in words)


def nominee_order(name: str | None, *, individual: bool) -> str:
    """Return the key a nominee's name sorts by, as the database stores it: a person's `name_order` (given name,
    family name, middle names), a collective's or household's `collective_order` (as written); "" for no name.
    Python sorts of nominees use it, so that they agree with the database's ORDER BY."""
    return (name_order(name) if individual else collective_order(name)) or ""


def format_date(value: date | datetime | None) -> str:
    """Return dd/mm/yyyy, or an empty string for None."""
    return value.strftime("%d/%m/%Y") if value else ""


VIETNAM = timezone(timedelta(hours=7), "ICT")


def format_datetime(value: datetime | None) -> str:
    """Return dd/mm/yyyy HH:MM in Vietnam time (UTC+7, no daylight saving), or an empty string for None."""
    if not value:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_date(text: str) -> date:
    """Parse a dd/mm/yyyy date; raise ValueError with a Vietnamese message otherwise."""
    match = _DATE.match(text or "")
    if not match:
        raise ValueError(f"Ngày “{text}” không đúng dạng dd/mm/yyyy (ví dụ 15/12/2024).")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày “{text}” không có trong lịch.") from None


def format_number(value: float | int | Decimal, decimals: int = 0) -> str:
    """Return a number the Vietnamese way: 1.234.567 and 1.234,5 (dot for thousands, comma for decimals)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_money(value: float | int | Decimal | None) -> str:
    """Return an amount in whole đồng the Vietnamese way: 1.234.567 đ."""
    return f"{format_number(value or 0)} đ"


def format_percent(value: float | None, decimals: int = 1) -> str:
    """Return a 0–1 ratio as a Vietnamese percentage: 0.705 -> 70,5%."""
    return "—" if value is None else f"{format_number(value * 100, decimals)}%"
