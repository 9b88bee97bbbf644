"""The printed width of a line of text in Times New Roman, so that a report's columns fit what they hold.

Advance widths per 1000 units of the em for the printable ASCII characters (32–126), read from Liberation Serif 2.1
(fonts-liberation2), which is metric-compatible with Times New Roman: Word with Times New Roman and LibreOffice with
Liberation Serif lay a line out the same width. A Vietnamese letter is as wide as its base letter (the marks sit
above or below it), except Ơ/ơ and Ư/ư, whose horn sticks out (Ư is 74 units wider than U in bold).
"""

from __future__ import annotations

import unicodedata

_MM_PER_PT = 25.4 / 72
_HORN = "\u031b"
_ASCII = {
    "regular": """
    250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 500 500 500 278 278
    564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 722 722 556 722 667 556 611 722 722 944
    722 722 611 333 278 333 469 500 333 444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389
    278 500 500 722 500 500 444 480 200 480 541
""",
    "bold": """
    250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 500 500 500 500 500 333 333
    570 570 570 500 930 722 667 722 722 667 611 778 778 389 500 778 667 944 722 778 611 778 722 556 667 722 722 1000
    722 722 667 333 278 333 581 500 333 500 556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389
    333 556 500 722 500 500 444 394 220 394 520
""",
    "italic": """
    250 333 420 500 500 833 778 214 333 333 500 675 250 333 250 278 500 500 500 500 500 500 500 500 500 500 333 333
    675 675 675 500 920 611 611 667 722 611 611 722 722 333 444 667 556 833 667 722 611 722 611 500 556 722 611 833
    611 556 556 389 278 389 422 500 333 500 500 444 500 444 278 500 500 278 278 444 278 722 500 500 500 500 389 389
    278 500 444 667 444 444 389 400 275 400 541
""",
}
_EXTRA = {  # beyond ASCII: the ellipsis, dashes and the letters with a horn
    "regular": {"…": 1000, "–": 500, "—": 1000, "Ơ": 722, "ơ": 529, "Ư": 776, "ư": 542},
    "bold": {"…": 1000, "–": 500, "—": 1000, "Ơ": 778, "ơ": 554, "Ư": 796, "ư": 600},
    "italic": {"…": 889, "–": 500, "—": 889, "Ơ": 722, "ơ": 534, "Ư": 754, "ư": 545},
}
_TABLES: dict[str, dict[str, int]] = {}


def _table(style: str) -> dict[str, int]:
    if style not in _TABLES:
        widths = dict(zip((chr(c) for c in range(32, 127)), map(int, _ASCII[style].split()), strict=True))
        _TABLES[style] = widths | _EXTRA[style]
    return _TABLES[style]


def _base(char: str) -> str:
    """Return the letter a character is measured as: its base letter, keeping a horn (ư, ở → ư, ơ); Đ as D."""
    if char in "Đđ":
        return "D" if char == "Đ" else "d"
    if char == "\u00a0":
        return " "
    parts = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(c for c in parts if not unicodedata.combining(c) or c == _HORN))


def width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """Return the width of `text` on one line at `size_pt` points (bold italic is measured as bold); a character
    the table does not know counts as wide as an M, so that an estimate errs on the wide side."""
    widths = _table("bold" if bold else "italic" if italic else "regular")
    units = sum(widths.get(_base(c), widths.get(c, widths["M"])) for c in unicodedata.normalize("NFC", text))
    return units / 1000 * size_pt * _MM_PER_PT
