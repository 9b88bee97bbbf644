"""The awards and units a list's or a form's text names (catalogue, aliases, the Office's awards), and the names close
to a text none matched; each cached by text."""

from __future__ import annotations

import difflib
from typing import Any

from sqlmodel import Session, select

from tdkt.awards import catalog
from tdkt.core import units as units_module
from tdkt.core.models import Award, AwardAlias
from tdkt.core.text import fold


class Catalogue:
    """Lookups built once per import: awards (catalogue and database aliases) and units, with caches by text."""

    def __init__(self, session: Session) -> None:
        self.awards = {a.code: a for a in session.exec(select(Award)).all()}
        self.award_by_id = {a.id: a for a in self.awards.values()}
        self.aliases = {row.folded: row.award_id for row in session.exec(select(AwardAlias)).all()}
        self.units = units_module.lookup(session)
        self.unit_names = sorted({u.name for u in self.units.values()})
        self._award_cache: dict[str, Award | None] = {}
        self._unit_cache: dict[str, Any] = {}
        # Suggestions are asked once per row whose text matched nothing; a list repeats its unknown texts (a 100k-row
        # list with 50 unknown unit names asked 37,463 times: difflib took 30 of 35 s under cProfile), so each
        # distinct text is compared with the names once.
        self._suggestions: dict[tuple[str, str], list[str]] = {}
        self._folded_names: dict[str, dict[str, str]] = {}

    def award(self, text: object) -> Award | None:
        """Return the database award a text (name, abbreviation or national code) means, or None."""
        key = str(text)
        if key not in self._award_cache:
            spec = catalog.match_award(text)
            found = self.awards.get(spec.code) if spec else None
            if found is None:
                award_id = self.aliases.get(catalog.normalize_award_text(text))
                found = self.award_by_id.get(award_id) if award_id else None
            if found is None:  # an award the Office added by name only
                by_name = {fold(a.name): a for a in self.awards.values()}
                found = by_name.get(fold(key))
            self._award_cache[key] = found
        return self._award_cache[key]

    def award_suggestions(self, text: str) -> list[str]:
        """Return up to three award names close to a text no award matched."""
        return self._close("award", text)

    def unit(self, text: str | None):
        """Return the unit a text names (name or short name, accent-insensitive), or None."""
        if not text:
            return None
        if text not in self._unit_cache:
            self._unit_cache[text] = self.units.get(fold(text).rstrip(" .;,"))
        return self._unit_cache[text]

    def unit_suggestions(self, text: str) -> list[str]:
        """Return up to three unit names close to a text no unit matched."""
        return self._close("unit", text)

    def _close(self, kind: str, text: str) -> list[str]:
        """Return up to three names of a kind ("award", "unit") close to a text, computed once per distinct text."""
        key = (kind, text)
        found = self._suggestions.get(key)
        if found is None:
            folded = self._folded_names.get(kind)
            if folded is None:
                folded = self._folded_names[kind] = {fold(n): n for n in self._names(kind)}
            close = difflib.get_close_matches(fold(text), list(folded), n=3, cutoff=0.5)
            found = self._suggestions[key] = [folded[c] for c in close]
        return list(found)

    def _names(self, kind: str) -> list[str]:
        """The names suggestions are taken from: common awards first, in the catalogue's order; units by name."""
        if kind == "unit":
            return self.unit_names
        return [a.name for a in sorted(self.awards.values(), key=lambda a: (not a.is_common, a.position))]
