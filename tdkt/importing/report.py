"""What every importer's report on one checked file shares: its problems, split into errors and warnings."""

from __future__ import annotations

from tdkt.core.cell_issues import ImportIssue


class IssueReport:
    """Base of a report (a dataclass) with an `issues` list: the errors and warnings among them."""

    __slots__ = ()
    issues: list[ImportIssue]

    @property
    def errors(self) -> list[ImportIssue]:
        """Return the problems that block the import."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Return the problems shown but not blocking."""
        return [i for i in self.issues if i.severity == "warning"]
