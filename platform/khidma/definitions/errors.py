"""Definition errors: where, which rule, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a definition file. `code` is stable (tests and docs rely on
    it); `message` says what is wrong; `hint`, when present, how to fix it."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DefinitionError(Exception):
    """Raised when one or more definition files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
