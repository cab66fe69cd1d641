"""The exceptions rolefit raises, and the diagnostics they carry.

Every problem in an input names where it is (file, line, column, the field path) and what was
expected, with a "did you mean" when a known name is close: the same diagnostics the command
line prints, as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one input: a file, a design file, or the arguments of a call."""

    level: str
    """``"error"`` or ``"warning"``."""
    file: str
    """The file as named (``<scenario>`` for text, ``evaluate() arguments`` for arguments)."""
    line: Optional[int]
    """1-based; ``None`` when the problem concerns the input as a whole."""
    column: Optional[int]
    path: str
    """Where in the document, e.g. ``partners[2].sector``; empty for the whole document."""
    message: str
    help: Optional[str]
    suggestion: Optional[str]
    """The close known name of a "did you mean", if any."""
    rendered: str
    """The diagnostic as the command line prints it, with the source line."""

    def __str__(self) -> str:
        return self.rendered


class Error(Exception):
    """Base class of rolefit's own exceptions."""


class InvalidInput(Error, ValueError):
    """The input has errors; ``diagnostics`` lists every one found, not only the first."""

    def __init__(self, message: str, diagnostics: List[Diagnostic]):
        super().__init__(message)
        self.diagnostics: List[Diagnostic] = list(diagnostics)

    def __str__(self) -> str:
        shown = "\n".join(d.rendered for d in self.diagnostics if d.level == "error")
        return shown or super().__str__()


class UsageError(Error, ValueError):
    """Arguments that cannot be used together or name nothing (an unknown variant, a pin
    that is not ``PARTNER=ROLE``); the message says which and suggests a close name."""


class SolveError(Error, RuntimeError):
    """The solver failed (e.g. a time limit ran out before any line-up was found)."""
