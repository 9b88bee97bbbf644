"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC, .VnTime fonts) and VNI (VNI-Times): detection, conversion.

Such files still arrive from agencies. Excel keeps the typed bytes as the Latin-1 characters of the same code,
so the text reads as "NguyÔn V¨n An" (TCVN3) or "Nguyeãn Vaên An" (VNI) unless the legacy font is installed.

TCVN3: one character per letter. The table is TCVN 5712:1993 as glibc's iconv defines it (VN1); ABC fonts use
its VN3 subset, the range U+00A1–U+00FF, where the upper-case letters with tones are missing (the ".VnTimeH"
fonts draw the lower-case codes as capitals, so such text comes back in lower case). The VN1 capitals stored
in the C0/C1 control positions are converted too, so every letter round-trips.

VNI (Windows): a base letter followed by a mark character (Latin-1) for the circumflex/breve and the tone,
e.g. "eã" = "ễ", "aê" = "ă"; ơ, ư, đ, the i's with tones and ỵ are single characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from tdkt.importing.sheet_data import RawSheet

TCVN3 = "TCVN3"
VNI = "VNI"

# TCVN 5712:1993 (VN1) code -> Unicode, for codes 0x80..0xFF (from glibc iconv TCVN5712-1).
_TCVN3_HIGH = (
    "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128"
    "\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"
    "\u00a0\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0"
    "\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd"
    "\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2"
    "\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9"
    "\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
)
# VN1 capitals kept in C0 control positions.
_TCVN3_LOW = {
    0x01: "\u00da", 0x02: "\u1ee4", 0x04: "\u1eea", 0x05: "\u1eec", 0x06: "\u1eee", 0x11: "\u1ee8",
    0x12: "\u1ef0", 0x13: "\u1ef2", 0x14: "\u1ef6", 0x15: "\u1ef8", 0x16: "\u00dd", 0x17: "\u1ef4",
}
_TCVN3_DECODE = {0x80 + i: ch for i, ch in enumerate(_TCVN3_HIGH) if i != 0x20} | _TCVN3_LOW
_TCVN3_ENCODE = {ord(ch): chr(code) for code, ch in _TCVN3_DECODE.items() if len(ch) == 1 and ord(ch) >= 0x100}
_TCVN3_ENCODE |= {ord(ch): chr(code) for code, ch in _TCVN3_DECODE.items() if 0xC0 <= ord(ch) < 0x100}

# VNI marks. Tone marks ù ø û õ ï (sắc, huyền, hỏi, ngã, nặng); circumflex â, then with each tone á à å ã ä;
# breve ê, then with each tone é è ú ü ë. Upper-case letters take the upper-case marks.
_TONES = "\u0301\u0300\u0309\u0303\u0323"
_VNI_TONE = {"lower": "\u00f9\u00f8\u00fb\u00f5\u00ef", "upper": "\u00d9\u00d8\u00db\u00d5\u00cf"}
_VNI_HAT = {"lower": "\u00e2\u00e1\u00e0\u00e5\u00e3\u00e4", "upper": "\u00c2\u00c1\u00c0\u00c5\u00c3\u00c4"}
_VNI_BREVE = {"lower": "\u00ea\u00e9\u00e8\u00fa\u00fc\u00eb", "upper": "\u00ca\u00c9\u00c8\u00da\u00dc\u00cb"}
# Single VNI characters: ơ, ư, đ, ỵ and the i's with a tone (í, ì are the same as in Latin-1).
_VNI_SINGLE = {
    "\u00f4": "\u01a1", "\u00d4": "\u01a0", "\u00f6": "\u01b0", "\u00d6": "\u01af", "\u00f1": "\u0111",
    "\u00d1": "\u0110", "\u00ee": "\u1ef5", "\u00ce": "\u1ef4", "\u00ed": "\u00ed", "\u00cd": "\u00cd",
    "\u00ec": "\u00ec", "\u00cc": "\u00cc", "\u00e6": "\u1ec9", "\u00c6": "\u1ec8", "\u00f3": "\u0129",
    "\u00d3": "\u0128", "\u00f2": "\u1ecb", "\u00d2": "\u1eca",
}


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    """Return (VNI two-character sequence -> Unicode letter, Unicode letter -> VNI sequence)."""
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    for base in "aeouyAEOUY":
        case = "lower" if base.islower() else "upper"
        horn = {"o": "\u00f4", "O": "\u00d4", "u": "\u00f6", "U": "\u00d6"}.get(base)
        for mark_case in ("lower", "upper"):  # a mark typed in the other case still belongs to the letter
            combos = [(base, mark, tone) for mark, tone in zip(_VNI_TONE[mark_case], _TONES, strict=True)]
            if horn:
                combos += [(horn, mark, "\u031b" + tone)
                           for mark, tone in zip(_VNI_TONE[mark_case], _TONES, strict=True)]
            if base in "aeoAEO":
                combos += [(base, mark, "\u0302" + tone)
                           for mark, tone in zip(_VNI_HAT[mark_case], ["", *_TONES], strict=True)]
            if base in "aA":
                combos += [(base, mark, "\u0306" + tone)
                           for mark, tone in zip(_VNI_BREVE[mark_case], ["", *_TONES], strict=True)]
            for first, mark, marks in combos:
                letter = unicodedata.normalize("NFC", base + marks)
                decode[first + mark] = letter
                if mark_case == case:
                    encode[letter] = first + mark
    for sequence, letter in _VNI_SINGLE.items():
        encode[letter] = sequence  # ơ ư đ ỵ and the i's with a tone: single characters ("yï" is never typed)
    return decode, encode


_VNI_DECODE, _VNI_ENCODE = _build_vni()
_VNI_DECODE.update(_VNI_SINGLE)
# One pass, pairs before single characters: "où" is ó, while a lone "ó" is ĩ.
_VNI_ANY = re.compile("|".join(sorted((re.escape(s) for s in _VNI_DECODE), key=len, reverse=True)))
_TCVN3_TABLE = str.maketrans({chr(code): ch for code, ch in _TCVN3_DECODE.items()})

# --- detection ---------------------------------------------------------------------------------------------------

_WORD = re.compile("[A-Za-z\u0080-\u00ff\u0100-\u024f\u1ea0-\u1ef9\u0300-\u0323]+")
# Letters only Unicode text has: a legacy encoding yields Latin-1 characters only.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_LEGACY_RANGE = re.compile("[\u0080-\u00ff\u0001-\u0017]")
# Latin-1 characters that Vietnamese in Unicode never uses: in a legacy sheet they can only be legacy codes.
_NOT_VIETNAMESE = re.compile("[\u0080-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
                             "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")
_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|\u0111|g|h|k|l|m|n|p|r|s|t|v|x"
# Toneless vowel groups of Vietnamese syllables (nucleus with its glides).
_VOWELS = (
    "iêu oai oay oeo uây uôi uya uyê uyu ươi ươu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_SYLLABLE = re.compile(f"(?:{_INITIAL})?(?:{'|'.join(_VOWELS)})(?:ch|ng|nh|c|m|n|p|t)?")
_TONE_MARKS = frozenset(_TONES)
_SAMPLE = 5000  # strings looked at; a sheet is one encoding, and this bounds the cost on 100k-row lists
_MIN_WORDS = 2
_PLAIN = 200


def _is_syllable(word: str) -> bool:
    """Return True when word is one Vietnamese syllable with at most one tone, written in Unicode."""
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False  # "NguyÔn": a capital inside a word is how TCVN3 text looks, not how Unicode is typed
    if _NOT_VIETNAMESE.search(word):
        return False  # "ñ", "ö", "ï"…: not Vietnamese letters (and "ñ" would pass for n + ngã below)
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


@functools.lru_cache(maxsize=1 << 16)
def _readings(word: str) -> tuple[bool, bool, bool]:
    """Return whether one word is a Vietnamese syllable as written, after TCVN3 and after VNI conversion."""
    if _UNICODE_ONLY.search(word):
        return True, False, False
    tcvn = unicodedata.normalize("NFC", word.translate(_TCVN3_TABLE))
    vni = to_unicode(word, VNI)
    return _is_syllable(word), tcvn != word and _is_syllable(tcvn), vni != word and _is_syllable(vni)


def _word_votes(word: str) -> tuple[bool, bool, bool]:
    """Return (Unicode, TCVN3, VNI) votes of one word: a legacy reading votes only where Unicode does not read."""
    as_unicode, as_tcvn, as_vni = _readings(word)
    return as_unicode, as_tcvn and not as_unicode, as_vni and not as_unicode


def _scores(texts: Iterable[object], sample: int = _SAMPLE) -> tuple[int, int, int]:
    """Count the words that read as Vietnamese in Unicode, TCVN3 and VNI, stopping once the answer is plain."""
    votes = [0, 0, 0]
    seen = 0
    for text in texts:
        if type(text) is not str or text.isascii():
            continue
        seen += 1
        if seen > sample:
            break
        for word in _WORD.findall(text):
            if not word.isascii():
                for i, vote in enumerate(_word_votes(word)):
                    votes[i] += vote
        if max(votes) >= _PLAIN and max(votes) >= 10 * (sum(votes) - max(votes)):
            break
    return votes[0], votes[1], votes[2]


def detect(texts: Iterable[object]) -> str | None:
    """Return "TCVN3" or "VNI" when a sheet's strings are legacy-encoded Vietnamese, else None.

    Each word with a non-ASCII letter votes for the readings under which it is a valid Vietnamese syllable
    (Unicode as written, or after TCVN3 / VNI conversion). An encoding wins with at least two words and at least
    twice the votes of Unicode and of the other encoding, so Unicode Vietnamese, English and Latin-1 names
    ("José García", "Müller") never convert. At most 5,000 non-ASCII strings are looked at, fewer once one
    reading has 200 votes and ten times the others.
    """
    unicode_words, tcvn_words, vni_words = _scores(texts)
    for encoding, votes, other in ((TCVN3, tcvn_words, vni_words), (VNI, vni_words, tcvn_words)):
        if votes >= _MIN_WORDS and votes >= 2 * unicode_words and votes >= 2 * other:
            return encoding
    return None


# --- conversion --------------------------------------------------------------------------------------------------


def to_unicode(text: str, encoding: str) -> str:
    """Return text converted from "TCVN3" or "VNI" to Unicode, NFC."""
    if encoding == TCVN3:
        return unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
    if encoding == VNI:
        return unicodedata.normalize("NFC", _VNI_ANY.sub(lambda m: _VNI_DECODE[m.group()], text))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def from_unicode(text: str, encoding: str) -> str:
    """Return Unicode text as it reads when typed in "TCVN3" or "VNI" (the inverse of to_unicode; for tests)."""
    text = unicodedata.normalize("NFC", text)
    if encoding == TCVN3:
        return text.translate(_TCVN3_ENCODE)
    if encoding == VNI:
        return "".join(_VNI_ENCODE.get(ch, ch) for ch in text)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def _should_convert(text: str, encoding: str) -> bool:
    """Return False only for a cell that plainly reads as Unicode (a header retyped in a legacy sheet, say).

    A cell converts when one of its words reads only in the legacy encoding, or holds a Latin-1 character that
    Vietnamese does not use (TCVN3 "¨ ª ® µ", VNI "ø ï ñ"…), or when nothing settles it: the sheet reads as legacy.
    So "Vò Dòng" becomes "Vũ Dũng", and the price is that a Unicode header whose every word also reads as legacy
    ("Tên", "Ghi chú") would become "Tờn", "Ghi chỳ"; headers with ơ, ư, đ, ă or a dot-below tone never do.
    """
    if text.isascii() or _UNICODE_ONLY.search(text) or not _LEGACY_RANGE.search(text):
        return False
    if _NOT_VIETNAMESE.search(text):
        return True
    legacy_index = 1 if encoding == TCVN3 else 2
    plainly_unicode = False
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        readings = _readings(word)
        if readings[legacy_index] and not readings[0]:
            return True
        plainly_unicode = plainly_unicode or (readings[0] and not readings[legacy_index])
    return not plainly_unicode


def convert_sheet(sheet: RawSheet) -> str | None:
    """Detect a legacy encoding on the sheet's strings and convert its cells in place; return the encoding or None."""
    encoding = detect(value for row in sheet.rows for value in row)
    if encoding is None:
        return None
    cache: dict[str, str] = {}
    for row in sheet.rows:
        for i, value in enumerate(row):
            if type(value) is str and not value.isascii():
                converted = cache.get(value)
                if converted is None:
                    converted = to_unicode(value, encoding) if _should_convert(value, encoding) else value
                    cache[value] = converted
                row[i] = converted
    sheet.name = to_unicode(sheet.name, encoding) if _should_convert(sheet.name, encoding) else sheet.name
    return encoding
