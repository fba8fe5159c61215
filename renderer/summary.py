"""The one renderer of a summary tree (`khidma.engine.summary`), in every mode.

One walk serves every output: the review page and the request page (`PAGE`), the PDF
(`PDF`), the HTML and plain-text parts of an e-mail (`EMAIL`, `TEXT`), and the JSON
export (`export`). The walk cuts each section's blocks into runs of one kind (consecutive
answers become one table) and hands each run to the template of its kind,
`summary/kinds/<kind>.html` (or `.txt`): the renderer never asks what a block is, it
reads `block.kind`. A new kind of block is its dataclass in the engine and its two
templates here; no code changes.

Words come from the `summary` catalog in the summary's own language, dates as Saudi
local time (`khidma.formatting`); every text is escaped by the templates' autoescaping.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from khidma.renderer.templating import environment
from markupsafe import Markup

from khidma.engine.summary import Summary
from khidma.formatting import moment_text
from khidma.words import word

__all__ = [
    "EMAIL",
    "PAGE",
    "PDF",
    "TEXT",
    "ChangeUrl",
    "Mode",
    "Output",
    "Run",
    "export",
    "render_html",
    "render_text",
    "runs",
]

ChangeUrl = Callable[[str], str | None]


@dataclass(frozen=True)
class Mode:
    """How one output draws the tree.

    `heading`: the level of the sections' headings. `change_url(field_id)`: a URL to
    change an answer (the review page), or None. `declarations`: list them always
    (True), never (False) or once any is accepted (None: a review page, where they are
    still to be ticked, shows none)."""

    name: str  # "page", "pdf", "email", "text", or a new output's own
    heading: int = 2
    change_url: ChangeUrl | None = None
    declarations: bool | None = None

    def but(self, **changes: Any) -> Mode:
        return replace(self, **changes)


PAGE = Mode("page")
PDF = Mode("pdf", declarations=True)
EMAIL = Mode("email")
TEXT = Mode("text")


@dataclass(frozen=True)
class Run:
    """Consecutive blocks of one kind, drawn by that kind's template."""

    kind: str
    blocks: tuple[Any, ...]


def runs(blocks: Iterable[Any]) -> tuple[Run, ...]:
    found: list[Run] = []
    for block in blocks:
        if found and found[-1].kind == block.kind:
            found[-1] = Run(block.kind, (*found[-1].blocks, block))
        else:
            found.append(Run(block.kind, (block,)))
    return tuple(found)


@dataclass(frozen=True)
class Output:
    """What the templates read as `out`: the mode's options, and words and moments in the
    summary's own language (passed along, so the kinds' templates need no context and
    are imported once)."""

    mode: Mode
    lang: str

    @property
    def name(self) -> str:
        return self.mode.name

    @property
    def heading(self) -> int:
        return self.mode.heading

    @property
    def change_url(self) -> ChangeUrl | None:
        return self.mode.change_url

    def w(self, key: str, **params: Any) -> str:
        return word(key, self.lang, **params)

    def when(self, value: str | None) -> str:
        return moment_text(value, self.lang)


def _context(summary: Summary, mode: Mode) -> dict[str, Any]:
    accepted = any(d.accepted for d in summary.declarations)
    shown = accepted if mode.declarations is None else mode.declarations
    return {
        "summary": summary,
        "sections": [(section, runs(section.blocks)) for section in summary.sections],
        "declarations": summary.declarations if shown else (),
        "out": Output(mode, summary.lang),
    }


def render_html(summary: Summary, mode: Mode = PAGE) -> Markup:
    """The summary as an HTML fragment (sections, then the declarations)."""
    if mode.name == "text":
        raise ValueError("the text mode draws plain text: call render_text")
    html = environment().get_template("summary/summary.html").render(_context(summary, mode))
    return Markup(html)


def render_text(summary: Summary, mode: Mode = TEXT) -> str:
    """The summary as plain text (an e-mail's text part): a heading per section, one
    answer a line, lists and tables indented under their label."""
    text = environment().get_template("summary/summary.txt").render(_context(summary, mode))
    return _tidy(text.splitlines())


def _tidy(lines: Sequence[str]) -> str:
    """Trailing spaces off, at most one blank line in a row, none at either end."""
    kept: list[str] = []
    for line in (raw.rstrip() for raw in lines):
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def export(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data (`Summary.export`: stable keys, each node with its
    kind, answers as their field types export them)."""
    return summary.export()
