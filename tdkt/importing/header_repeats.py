"""Header rows printed again inside a table (a list put together from pages that each carry the header): recognised,
so that they are skipped instead of read as data rows ("Giới tính “Giới tính”")."""

from __future__ import annotations

from typing import Any

from tdkt.core.text import fold
from tdkt.importing.cells import cell_text, fold_words, quick_fold


def _key(value: Any) -> str:
    """Return a cell as the header comparison sees it: folded words ("Họ và tên\n(1)" -> "ho va ten 1")."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    return fold_words(cell_text(value) or "")


class HeaderRepeats:
    """The header rows of one table, to tell a row below them that repeats one of them (folded, at least mostly)."""

    __slots__ = ("_rows", "keys")

    def __init__(self, header_rows: list[list[Any]]) -> None:
        rows = [{c: key for c, value in enumerate(row) if (key := _key(value))} for row in header_rows]
        self._rows = [cells for cells in rows if len(cells) >= 2]  # a lone cell (a title) says too little
        # The cells' texts as each importer folds a row's first text (quick_fold, fold, folded words): a row whose
        # first text is none of them is no repeated header, and only the others are compared cell by cell.
        texts = [t for row in header_rows for v in row if (t := cell_text(v) if not isinstance(v, bool) else None)]
        self.keys = frozenset(k for t in texts for k in (quick_fold(t), fold(t), fold_words(t)) if k)

    def repeats(self, row: list[Any]) -> bool:
        """True when most of the row's cells are the header's texts in the header's columns: at least two, three
        in five of the row's filled cells, and half of the header row's cells (or three of them)."""
        for cells in self._rows:
            filled = same = 0
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                filled += 1
                header = cells.get(c)
                if header is not None and _key(value) == header:
                    same += 1
            if same >= 2 and same * 5 >= filled * 3 and (same * 2 >= len(cells) or same >= 3):
                return True
        return False
