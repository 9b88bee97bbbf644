"""The one refusal type: every domain error derives from `Refused` and carries its Vietnamese message."""

from __future__ import annotations

from collections.abc import Sequence


class Refused(ValueError):
    """An action or an input the domain refuses; `str(error)` is the Vietnamese message to show the user.

    Pages catch this one type and show `problems` (one message each); the CLI turns it into exit code 1.
    """

    def __init__(self, message: str, *, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]
