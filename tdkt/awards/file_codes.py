"""A list's own code lists (the DANHMUC, HTKT, PLDT… sheets of a national-layout file): what each code means in that
file, for the checks to read before any built-in table and for messages to quote a code with its name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tdkt.core.text import fold

# What a list's codes stand for, as the row fields they decode: award (danh hiệu / hình thức), category (phân loại
# đối tượng), field (lĩnh vực), target (cá nhân / tập thể / hộ gia đình); None when nothing tells (its headers, its
# sheet, a drop-down, the data's codes, its names: `importing.nomination_lists.code_lists`): such a list is kept in
# `entries` but decodes nothing and no message quotes it, since a code means nothing without its list's meaning.
KINDS = ("award", "category", "field", "target")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code of a file's list: the code as a key, the name the list gives it, where the list is."""

    code: str
    name: str
    sheet: str
    kind: str | None


def code_key(value: Any) -> str | None:
    """Return a cell as a code key ("1650360491" for 1650360491 or 1650360491.0), or None for an empty cell."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    text = str(value).strip()
    return text or None


class FileCodes:
    """The code lists found in one file, looked up by kind (the row field) and code, or by the name they give."""

    __slots__ = ("_by_code", "_by_name", "_flat", "entries")

    def __init__(self, entries: Iterable[CodeEntry] = ()) -> None:
        self.entries = list(entries)
        self._by_code: dict[tuple[str | None, str], CodeEntry] = {}
        self._by_name: dict[tuple[str | None, str], CodeEntry] = {}
        self._flat: dict[str, str] = {}
        for entry in self.entries:  # the first list to define a code keeps it, as the file reads top-left first
            if entry.kind is not None:
                self._by_code.setdefault((entry.kind, entry.code), entry)
                self._by_name.setdefault((entry.kind, fold(entry.name)), entry)
        for kind in KINDS:  # the four row fields in order; a list of unknown meaning is not looked at
            for entry in self.entries:
                if entry.kind == kind:
                    self._flat.setdefault(entry.code, entry.name)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return len(self._flat)

    def get(self, code: str, default: Any = None) -> Any:
        """Return the name any of the file's lists of a known meaning gives a code, else `default`."""
        return self._flat.get(code, default)

    def entry(self, kind: str, value: Any) -> CodeEntry | None:
        """Return the entry a code cell means for a row field: the file's list of that meaning; None when none has
        the code."""
        key = code_key(value)
        if key is None:
            return None
        return self._by_code.get((kind, key))

    def named(self, kind: str, text: str | None) -> CodeEntry | None:
        """Return the entry whose name is `text` (accent-insensitive) in a list of that meaning, or None."""
        if not text:
            return None
        return self._by_name.get((kind, fold(text)))


def describe(codes: Any, kind: str, text: Any) -> str:
    """Return a value as a message quotes it: “name” (mã … trong sheet …) when the file's own list has it as a code or
    a name, else “text”; a bare number the lists do not have says so."""
    shown = "" if text is None else str(text).strip()
    if isinstance(codes, FileCodes):
        found = codes.entry(kind, text) or codes.named(kind, shown)
        if found is not None:
            return f"“{found.name}” (mã {found.code} trong sheet {found.sheet})"
    if shown.isdigit() and len(shown) >= 4:
        return f"mã “{shown}” (không có trong danh mục của tệp)"
    return f"“{shown}”"
