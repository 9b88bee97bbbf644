"""Vietnamese text helpers: accent folding for search, the Vietnamese name sort key, dates and money."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

# Tone marks (dấu thanh) in the Vietnamese collation order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Vowel marks that make distinct letters (ă, â, ê, ô, ơ, ư).
_VOWEL_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_ALPHABET = [
    "a", "a(", "a^", "b", "c", "d", "đ", "e", "e^", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "o^", "o+", "p", "q", "r", "s", "t", "u", "u+", "v", "w", "x", "y", "z",
]
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return the text in Unicode NFC with runs of whitespace collapsed and ends stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _fold_table() -> dict[int, str | None]:
    """Map every precomposed Latin letter to its base letter and drop combining marks (built once at import)."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base and base != chr(code) and len(base) == 1:
            table[code] = base
    for code in range(0x0300, 0x0370):
        table[code] = None
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
