"""matchfund's exceptions. Every error of the engine reaches Python as one of these, never as a
crash; each names what it is about (a rules file's diagnostics, an event file's place)."""

from __future__ import annotations

from dataclasses import dataclass


class Error(Exception):
    """Any error of matchfund: bad input, a limit of the engine, an invariant broken."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem of a rules file: where it is, what is wrong, and its stable code
    (docs/errors.md)."""

    file: str
    line: int  # 1-based; 0 when the problem is with the file as a whole
    column: int  # 1-based, in characters
    path: str  # where in the document, e.g. "rules[2].caps[0].max"; may be empty
    message: str
    code: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:{self.column}" if self.line > 0 else self.file
        path = f"{self.path}: " if self.path else ""
        return f"{place}: {path}{self.message} [{self.code}]"


class RulesError(Error):
    """A rules file that does not load: every diagnostic of the file, in file order."""

    def __init__(self, diagnostics):
        self.diagnostics = [d if isinstance(d, Diagnostic) else Diagnostic(*d) for d in diagnostics]
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class EventFileError(Error):
    """An event file (or DataFrame) that cannot be read as a whole: an unknown column, bad CSV,
    a cell with no exact text. `line` and `column` are 0 where the problem has no place."""

    def __init__(self, text: str, file: str = "", line: int = 0, column: int = 0, message: str = ""):
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.message = message or text


class BadEventError(Error):
    """A bad event in a strict replay: "FILE:LINE: event ID: REASON" (lenient=True keeps them in
    the result's `rejected` table instead)."""


class InvariantError(Error):
    """An invariant of the engine that did not hold: a bug in matchfund, to be reported."""


class SnapshotError(Error):
    """A snapshot that cannot be restored: not a snapshot, another version, other rules, damaged."""
