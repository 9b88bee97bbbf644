"""What every importer's report on one checked file shares: its problems, split into errors and warnings."""

from __future__ import annotations

from typing import Any

from tdkt.core.cell_issues import ImportIssue


def as_dicts(items: list) -> list:
    """Return a list of rows or problems as their `as_dict()` (any other list as it is): the JSON they print as."""
    return [i.as_dict() for i in items] if items and hasattr(items[0], "as_dict") else items


class IssueReport:
    """Base of a report (a dataclass) with an `issues` list: the errors and warnings among them."""

    __slots__ = ()
    issues: list[ImportIssue]

    def json_fields(self) -> dict[str, Any]:
        """Return the command line's --json object with its lists of rows and problems still objects: the writer turns
        them into dicts a thousand at a time (100k records' dicts at once were 21 MiB of the import's peak)."""
        raise NotImplementedError

    def as_json(self) -> dict[str, Any]:
        """Return the command line's --json object for this file."""
        return {key: as_dicts(value) if isinstance(value, list) else value for key, value in self.json_fields().items()}

    @property
    def errors(self) -> list[ImportIssue]:
        """Return the problems that block the import."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Return the problems shown but not blocking."""
        return [i for i in self.issues if i.severity == "warning"]
