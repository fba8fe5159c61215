"""Definition errors: where, which rule, what is wrong, how to fix it."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass


@functools.total_ordering
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition file. `code` is stable (tests and docs rely on
    it); `message` says what is wrong; `hint`, when present, how to fix it.

    `after`, for a knock-on problem, is the (line, column) of the problem that causes it
    (e.g. a status unreachable because a transition names a misspelt one): it sorts right
    after its cause, wherever it stands in the file."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    after: tuple[int, int] | None = None

    def _key(self) -> tuple[str, int, int, int, int, int, str, str, str]:
        at = self.after or (self.line, self.column)
        return (self.file, *at, 1 if self.after else 0, self.line, self.column, self.code,
                self.message, self.hint)  # fmt: skip

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DefinitionError(Exception):
    """Raised when one or more definition files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_DATE_PARTS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def impossible_date_hint(text: str) -> str:
    """How to mend a date that is not one: which part is impossible, and a near real date."""
    found = _DATE_PARTS.match(text.strip())
    if not found:
        return "write a date as YYYY-MM-DD, e.g. 2026-01-31"
    year, month, day = (int(p) for p in found.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}: the month is 01 to 12 (YYYY-MM-DD)"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        return f"{name} {year} has {last} days: did you mean {year:04d}-{month:02d}-{last:02d}?"
    return f"write it with two-digit month and day: {year:04d}-{month:02d}-{day:02d}"


# YAML 1.1 (what the loader reads) takes an unquoted yes, no, on, off, true or false as a
# boolean; editors that speak YAML 1.2 take yes/no/on/off as text.
YAML_BOOLEAN_HINT = (
    "YAML reads an unquoted yes, no, on, off, true or false as true/false: "
    'put it in quotes ("no") to keep it as text'
)
