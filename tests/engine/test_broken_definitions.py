"""Broken service definitions: every one is rejected with the right code at the right line.

Each case is a small, complete YAML text derived from BASE (or one of the bases built on
it) by a readable textual edit, or a short document of its own, plus the problem code we
expect and the 1-based line it must be reported at. Where it helps the author, the case
also checks that the message or the hint names the offending thing.

A case the loader gets wrong is kept (never weakened) and marked `xfail(strict=True)` with
the reason, so it turns into a failure the day the loader is fixed and the mark can go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest
from click.testing import CliRunner

from khidma.cli import main
from khidma.definitions.errors import DefinitionError
from khidma.definitions.errors import Problem
from khidma.definitions.loader import MAX_FILE_BYTES
from khidma.definitions.loader import compile_text
from khidma.definitions.loader import load

FIXTURES = Path(__file__).parent / "fixtures"

# --------------------------------------------------------------------------------------
# The valid bases, with a map of their line numbers below each. Every case's expected line
# is a line of the text after its edit.
# --------------------------------------------------------------------------------------

BASE = """\
id: base
version: "1"
agency: {id: test_agency, name: {ar: جهة, en: Agency}}
title: {ar: خدمة, en: Service}
summary: {ar: ملخص, en: Summary}
description: {ar: وصف, en: Description}
lists:
  colours:
    - {value: red, label: {ar: أحمر, en: Red}, warm: true}
    - {value: blue, label: {ar: أزرق, en: Blue}, warm: false}
steps:
  - id: about
    title: {ar: عنك, en: About you}
    fields:
      - id: name
        type: text
        label: {ar: الاسم, en: Name}
      - id: age
        type: integer
        label: {ar: العمر, en: Age}
      - id: colour
        type: select
        label: {ar: اللون, en: Colour}
        options_from: colours
      - id: people
        type: group
        label: {ar: الأشخاص, en: People}
        fields:
          - id: person_name
            type: text
            label: {ar: الاسم, en: Name}
"""
#  1 id            8 colours        15 name          21 colour         28 (group) fields
#  2 version       9 red           16   type: text   22   type: select 29 person_name
#  3 agency       10 blue          17   label        23   label        30   type: text
#  4 title        11 steps         18 age            24   options_from 31   label
#  5 summary      12 about         19   type: integer 25 people
#  6 description  13   title       20   label        26   type: group
#  7 lists        14   fields                        27   label
# Text appended to BASE starts at line 32: a field at 6 spaces joins step `about`,
# a key at column 0 is a new top-level key.

# BASE plus a bookable branch and a slot picker, and the booking block that uses them.
BOOKED = (
    BASE
    + """\
      - id: branch
        type: select
        label: {ar: الفرع, en: Branch}
        options: [{value: riyadh, label: {ar: الرياض, en: Riyadh}}]
      - id: slot
        type: appointment
        label: {ar: الموعد, en: Appointment}
booking:
  resource_field: branch
  slot_field: slot
  schedule: {sun: ["08:00-12:00"]}
  slot_minutes: 15
  capacity_per_slot: 2
  window: {min_days_ahead: 1, max_days_ahead: 30}
"""
)
# 32 branch  36 slot  39 booking  40 resource_field  41 slot_field  42 schedule
# 43 slot_minutes  44 capacity_per_slot  45 window

# BASE plus its own two-status workflow.
WORKFLOW = (
    BASE
    + """\
workflow:
  initial: submitted
  statuses:
    - {id: submitted, label: {ar: مقدم, en: Submitted}}
    - {id: done, label: {ar: منتهي, en: Done}, final: true}
  transitions:
    - {from: submitted, to: done, by: [staff]}
"""
)
# 32 workflow  33 initial  34 statuses  35 submitted  36 done  37 transitions  38 first

SHARED_LISTS = """\
kind: lists
lists:
  colours:
    - {value: green, label: {ar: أخضر, en: Green}}
"""


def edit(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced by `new`."""
    if text.count(old) != 1:
        raise ValueError(f"{old!r} occurs {text.count(old)} times, not once")
    return text.replace(old, new)


def after(text: str, anchor: str, lines: str) -> str:
    """`text` with `lines` inserted after the (only) line that contains `anchor`."""
    all_lines, i = _find(text, anchor)
    return "".join(all_lines[: i + 1]) + lines + "".join(all_lines[i + 1 :])


def drop(text: str, anchor: str) -> str:
    """`text` without the (only) line that contains `anchor`."""
    all_lines, i = _find(text, anchor)
    return "".join(all_lines[:i] + all_lines[i + 1 :])


def _find(text: str, anchor: str) -> tuple[list[str], int]:
    # Lines end at "\n" only, as editors count them. An anchor that starts with spaces is
    # indentation-exact: it must begin the line.
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    found = [
        i
        for i, line in enumerate(lines)
        if (line.startswith(anchor) if anchor.startswith(" ") else anchor in line)
    ]
    if len(found) != 1:
        raise ValueError(f"{anchor!r} is on {len(found)} lines, not one")
    return lines, found[0]


@dataclass(frozen=True)
class Case:
    code: str
    line: int
    text: str | None = None  # compiled with compile_text(text, "case.yaml")
    files: dict[str, str | bytes] = field(default_factory=dict)  # else load() on these files
    file: str = "case.yaml"  # the file the problem must be reported in
    mentions: str | None = None  # must appear in the message
    hint: str | None = None  # must appear in the hint


def case(
    name: str,
    code: str,
    line: int,
    text: str | None = None,
    *,
    xfail: str | None = None,
    raises: type[BaseException] = AssertionError,
    **kwargs,
) -> pytest.ParameterSet:
    """One broken definition. `xfail` (the reason) marks a known loader bug; the case must
    then fail with `raises` — a wrong answer by default, or the crash the loader has."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail, raises=raises)] if xfail else []
    return pytest.param(Case(code, line, text, **kwargs), id=name, marks=marks)


AGE_LABEL = "label: {ar: العمر, en: Age}"  # line 20, last line of field `age`

CASES = [
    # ---- YAML itself -------------------------------------------------------------------
    case(
        "yaml-unclosed-bracket",
        "yaml.syntax",
        4,
        edit(BASE, "title: {ar: خدمة, en: Service}", "title: {ar: خدمة, en: Service"),
    ),
    case(
        "yaml-unclosed-bracket-at-end",
        "yaml.syntax",
        31,  # where the bracket opens, not past the end of the file
        edit(BASE, "            label: {ar: الاسم, en: Name}\n", "            label: [ar, en\n"),
    ),
    case(
        "yaml-bad-indentation",
        "yaml.syntax",
        17,
        edit(
            BASE,
            "        label: {ar: الاسم, en: Name}\n      - id: age",
            "       label: {ar: الاسم, en: Name}\n      - id: age",
        ),
    ),
    case(
        "yaml-tab-indentation",
        "yaml.syntax",
        16,
        edit(
            BASE,
            "        type: text\n        label: {ar: الاسم, en: Name}\n      - id: age",
            "\ttype: text\n        label: {ar: الاسم, en: Name}\n      - id: age",
        ),
        mentions="a tab character",
        hint="spaces",
    ),
    case(
        "yaml-duplicate-key",
        "yaml.duplicate-key",
        5,
        edit(BASE, "summary: {ar: ملخص, en: Summary}", "title: {ar: ملخص, en: Summary}"),
        mentions="title",
    ),
    case(
        "yaml-duplicate-key-in-field",
        "yaml.duplicate-key",
        21,
        after(BASE, AGE_LABEL, "        type: text\n"),
        mentions="type",
    ),
    case(
        "yaml-alias-recursion",
        "yaml.too-deep",
        3,
        edit(
            BASE,
            "agency: {id: test_agency, name: {ar: جهة, en: Agency}}",
            "agency: &a {id: test_agency, name: *a}",
        ),
    ),
    # reported where the expanded anchor's values stand (aliases share the anchor's nodes)
    case(
        "yaml-billion-laughs",
        "yaml.too-large",
        1,
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
    ),
    case("yaml-complex-key", "yaml.bad-key", 3, after(BASE, 'version: "1"', "? [a, b]\n: c\n")),
    case(
        "yaml-invalid-date-scalar",
        "yaml.bad-scalar",
        2,
        edit(BASE, 'version: "1"', "version: 2026-02-30"),
        mentions="2026-02-30",
        hint="February 2026 has 28 days",
    ),
    case("file-empty", "file.empty", 1, ""),
    case("file-only-comments", "file.empty", 1, "# nothing here yet\n"),
    case("top-level-is-a-list", "schema.type", 1, "- id: base\n- version: 1\n"),
    case("top-level-is-a-scalar", "schema.type", 1, "just some text\n"),
    case("lists-file-given-as-service", "file.kind", 1, SHARED_LISTS),
    # ---- schema ------------------------------------------------------------------------
    case(
        "missing-top-level-key",
        "schema.required",
        1,
        drop(BASE, "summary: {ar: ملخص, en: Summary}"),
        mentions="summary",
    ),
    case(
        "unknown-top-level-key",
        "schema.unknown-key",
        4,
        edit(BASE, "title: {ar: خدمة", "titel: {ar: خدمة"),
        mentions="titel",
        hint="did you mean 'title'?",
    ),
    case(
        "unknown-key-in-field",
        "schema.unknown-key",
        17,
        after(BASE, "        type: text", "        max_lenght: 10\n"),
        mentions="max_lenght",
        hint="did you mean 'max_length'?",
    ),
    case(
        "field-type-is-a-list",
        "field.unknown-type",
        16,
        edit(
            BASE,
            "        type: text\n        label: {ar: الاسم, en: Name}\n      - id: age",
            "        type: []\n        label: {ar: الاسم, en: Name}\n      - id: age",
        ),
    ),
    case(
        "unknown-field-type",
        "field.unknown-type",
        16,
        edit(
            BASE,
            "        type: text\n        label: {ar: الاسم, en: Name}\n      - id: age",
            "        type: txt\n        label: {ar: الاسم, en: Name}\n      - id: age",
        ),
        mentions="txt",
        hint="did you mean 'text'?",
    ),
    case(
        "text-missing-en",
        "schema.required",
        20,
        edit(BASE, AGE_LABEL, "label: {ar: العمر}"),
        mentions="'en'",
        hint="bilingual",
    ),
    case(
        "text-as-plain-string",
        "schema.type",
        20,
        edit(BASE, AGE_LABEL, "label: Age"),
        hint="{ar: ..., en: ...}",
    ),
    case(
        "string-for-integer",
        "schema.type",
        21,
        after(BASE, AGE_LABEL, "        max: twenty\n"),
        mentions="twenty",
    ),
    case(
        "option-value-unquoted-no",  # YAML 1.1 reads it as false; editors' YAML 1.2 as text
        "schema.yaml-boolean",
        10,
        edit(BASE, "value: blue", "value: no"),
        hint="quotes",
    ),
    case(
        "time-unquoted-sexagesimal",  # YAML 1.1 reads 12:30 as 750
        "schema.type",
        35,
        BASE + "      - id: at\n        type: time\n        label: {ar: وقت, en: At}\n"
        "        min: 12:30\n",
        hint="quotes",
    ),
    case("enum-violation", "schema.enum", 32, BASE + "audience: everybody\n", mentions="everybody"),
    case(
        "id-pattern-violation",
        "schema.pattern",
        18,
        edit(BASE, "- id: age", "- id: Age"),
        mentions="Age",
    ),
    case(
        "number-out-of-range",
        "schema.range",
        35,
        BASE + "      - id: papers\n        type: file\n        label: {ar: أوراق, en: Papers}\n"
        "        max_files: 99\n",
    ),
    case("empty-text", "schema.empty", 4, edit(BASE, "en: Service}", 'en: ""}')),
    case("no-steps", "schema.too-few", 11, BASE.split("steps:")[0] + "steps: []\n"),
    case("not-unique", "schema.not-unique", 32, BASE + "beneficiaries: [citizens, citizens]\n"),
    case(
        "closed-date-not-a-date",
        "schema.format",
        45,
        after(BOOKED, "capacity_per_slot", '  closed_dates: ["2026-02-30"]\n'),
        mentions="2026-02-30",
    ),
    # ---- ids ---------------------------------------------------------------------------
    case(
        "duplicate-field-id",
        "id.duplicate",
        18,
        edit(BASE, "- id: age", "- id: name"),
        mentions="name",
    ),
    case(
        "duplicate-field-id-after-a-line-separator-in-text",
        "id.duplicate",
        18,
        edit(edit(BASE, "- id: age", "- id: name"), "en: Service}", 'en: "Serv\u2028ice"}'),
        mentions="name",  # YAML breaks lines at U+2028 too; editors (and we) do not
    ),
    case(
        "duplicate-id-inside-and-outside-group",
        "id.duplicate",
        29,
        edit(BASE, "- id: person_name", "- id: name"),
        mentions="name",
    ),
    case(
        "duplicate-step-id",
        "id.duplicate",
        32,
        BASE + "  - id: about\n    title: {ar: ثان, en: Second}\n    fields:\n"
        "      - id: other\n        type: text\n        label: {ar: آخر, en: Other}\n",
        mentions="about",
    ),
    case(
        "reserved-id-today",
        "id.reserved",
        18,
        edit(BASE, "- id: age", "- id: today"),
        mentions="today",
    ),
    case(
        "declaration-id-duplicate",
        "id.duplicate",
        34,
        BASE + "declarations:\n  - {id: truth, text: {ar: أقر, en: I declare}}\n"
        "  - {id: truth, text: {ar: أقر, en: I declare again}}\n",
        mentions="truth",
    ),
    case(
        "declaration-id-same-as-field",
        "id.duplicate",
        33,
        BASE + "declarations:\n  - {id: name, text: {ar: أقر, en: I declare}}\n",
        mentions="name",
    ),
    case(
        "group-nested-in-group",
        "group.nested",
        33,
        BASE
        + "          - id: inner\n            type: group\n            label: {ar: د, en: Inner}\n"
        "            fields: [{id: deep, type: text, label: {ar: ع, en: Deep}}]\n",
        mentions="inner",
    ),
    # ---- expressions -------------------------------------------------------------------
    case(
        "expression-syntax-error",
        "expr.syntax",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "name =="\n'),
    ),
    case(
        "expression-unknown-name",
        "expr.unknown-name",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "nmae != null"\n'),
        mentions="nmae",
        hint="did you mean 'name'?",
    ),
    case(
        "item-outside-group",
        "expr.out-of-scope",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "item.person_name != null"\n'),
        mentions="item",
    ),
    case(
        "option-outside-options-filter",
        "expr.out-of-scope",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "option.warm == true"\n'),
        mentions="option",
    ),
    case(
        "unknown-item-member",
        "expr.unknown-name",
        32,
        BASE + '            visible_when: "item.nickname != null"\n',
        mentions="nickname",
    ),
    case(
        "unknown-option-attribute",
        "expr.unknown-name",
        25,
        after(BASE, "options_from: colours", '        options_filter: "option.hot == true"\n'),
        mentions="hot",
    ),
    case(
        "unknown-option-attribute-inline-options",
        "expr.unknown-name",
        36,
        after(
            BOOKED, "options: [{value: riyadh", '        options_filter: "option.city == name"\n'
        ),
        mentions="city",
    ),
    case(
        "unknown-function",
        "expr.unknown-function",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "frobnicate(name)"\n'),
        mentions="frobnicate",
    ),
    case(
        "lookup-unknown-list",
        "list.unknown",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'lookup(\"colors\", colour).warm == true'\n"),
        mentions="colors",
    ),
    case(
        "step-visible-when-unknown-name",
        "expr.unknown-name",
        14,
        after(BASE, "title: {ar: عنك", '    visible_when: "agee > 18"\n'),
        mentions="agee",
    ),
    case(
        "rule-check-unknown-name",
        "expr.unknown-name",
        22,
        after(
            BASE,
            AGE_LABEL,
            '        rules:\n          - check: "agee > 0"\n'
            "            message: {ar: خطأ, en: Wrong}\n",
        ),
        mentions="agee",
    ),
    case(
        "fees-expression-unknown-name",
        "expr.unknown-name",
        34,
        BASE + 'fees:\n  kind: computed\n  expression: "agee * 10"\n  payable: on_submit\n'
        "  methods: [sadad]\n",
        mentions="agee",
    ),
    # A cycle is reported at each expression that makes one of its links.
    case(
        "computed-cycle",
        "computed.cycle",
        35,
        BASE + "      - id: a\n        type: computed\n        label: {ar: أ, en: A}\n"
        '        expression: "b + 1"\n'
        "      - id: b\n        type: computed\n        label: {ar: ب, en: B}\n"
        '        expression: "a + 1"\n',
    ),
    case(
        "computed-cycle-second-expression",
        "computed.cycle",
        39,
        BASE + "      - id: a\n        type: computed\n        label: {ar: أ, en: A}\n"
        '        expression: "b + 1"\n'
        "      - id: b\n        type: computed\n        label: {ar: ب, en: B}\n"
        '        expression: "a + 1"\n',
        mentions="b's expression reads a",
    ),
    case(
        "condition-cycle",
        "condition.cycle",
        17,
        after(
            after(BASE, "        type: text", '        visible_when: "age > 18"\n'),
            AGE_LABEL,
            '        visible_when: "name != null"\n',
        ),
    ),
    case(
        "condition-cycle-second-expression",
        "condition.cycle",
        22,
        after(
            after(BASE, "        type: text", '        visible_when: "age > 18"\n'),
            AGE_LABEL,
            '        visible_when: "name != null"\n',
        ),
        mentions="age's visible_when reads name",
    ),
    case(
        "cycle-through-a-group-at-the-computed-expression",
        "condition.cycle",
        36,
        BASE + '            visible_when: "total < 10"\n'
        "      - id: total\n        type: computed\n        label: {ar: م, en: Total}\n"
        '        expression: "size(people.filter(p, p.person_name != null))"\n',
        mentions="total's expression reads people",
    ),
    case(
        # person_name (in group people) is shown when total < 10; total counts people's
        # names. Reported at person_name's visible_when (and at total's expression); the
        # group holding its items is a link without an expression.
        "cycle-through-a-group",
        "condition.cycle",
        32,
        BASE + '            visible_when: "total < 10"\n'
        "      - id: total\n        type: computed\n        label: {ar: م, en: Total}\n"
        '        expression: "size(people.filter(p, p.person_name != null))"\n',
        mentions="person_name",
    ),
    # ---- types (khidma.definitions.typecheck) ------------------------------------------
    case(
        "type-text-plus-number",
        "expr.type",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "name + 1 > 2"\n'),
        mentions="text + a whole number",
        hint="string(n)",
    ),
    case(
        "type-number-equals-text",
        "expr.type",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'age == \"18\"'\n"),
        hint="never equals",
    ),
    case(
        "type-condition-not-boolean",
        "expr.not-boolean",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "age"\n'),
        mentions="a whole number",
        hint="> 0",
    ),
    case(
        "type-and-of-a-number",
        "expr.type",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "age && name != null"\n'),
        mentions="'&&'",
    ),
    case(
        "type-remainder-of-decimals",
        "expr.type",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "age % 2.5 == 0.0"\n'),
        hint="int(x) % 2",
    ),
    case(
        "type-member-of-text",
        "expr.type",
        18,
        after(
            BASE,
            "        type: text",
            '        rules:\n          - check: "name.length < 9"\n'
            "            message: {ar: خطأ, en: Wrong}\n",
        ),
        hint="size(name)",
    ),
    case(
        "type-branches-differ",
        "expr.type",
        28,
        BASE.replace(
            "      - id: people",
            "      - id: shown\n        type: computed\n"
            "        label: {ar: م, en: Shown}\n"
            "        expression: 'age > 18 ? \"adult\" : 0'\n      - id: people",
        ),
        mentions="text and a whole number",
    ),
    case(
        "type-fee-not-a-number",
        "expr.type",
        34,
        BASE + 'fees:\n  kind: computed\n  expression: "name"\n  payable: on_submit\n'
        "  methods: [sadad]\n",
        mentions="must give a number",
    ),
    case(
        "type-lookup-unknown-attribute",
        "expr.unknown-name",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'lookup(\"colours\", colour).hot'\n"),
        mentions="hot",
        hint="label, value, warm",
    ),
    case(
        "type-date-method-on-text",
        "expr.type",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "today.getFullYear() > 2025"\n'),
        hint='timestamp(today + "T00:00:00Z")',
    ),
    case(
        "type-date-compared-with-impossible-date",
        "expr.bad-date",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'today > \"2026-02-30\"'\n"),
        hint="February 2026 has 28 days",
    ),
    # ---- option values -----------------------------------------------------------------
    case(
        "option-compared-with-a-value-not-an-option",
        "expr.not-an-option",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'colour == \"green\"'\n"),
        mentions="'green'",
        hint="options: red, blue",
    ),
    case(
        "option-in-a-list-with-a-misspelt-value",
        "expr.not-an-option",
        21,
        after(BASE, AGE_LABEL, '        visible_when: \'colour in ["red", "bleu"]\'\n'),
        mentions="'bleu'",
        hint="did you mean 'blue'?",
    ),
    case(
        "option-lang-is-ar-or-en",
        "expr.not-an-option",
        21,
        after(BASE, AGE_LABEL, "        visible_when: 'lang == \"fr\"'\n"),
        hint="options: ar, en",
    ),
    case(
        "option-checkboxes-in-with-a-value-not-an-option",
        "expr.not-an-option",
        39,
        BASE + "      - id: drinks\n        type: checkboxes\n        label: {ar: م, en: Drinks}\n"
        "        options: [{value: tea, label: {ar: شاي, en: Tea}}]\n"
        "      - id: sugar\n        type: yes_no\n        label: {ar: سكر, en: Sugar}\n"
        "        visible_when: '\"coffee\" in drinks'\n",
        hint="options: tea",
    ),
    case(
        "option-filter-value-not-an-option",
        "expr.not-an-option",
        25,
        after(
            BASE, "options_from: colours", "        options_filter: 'option.value != \"green\"'\n"
        ),
        hint="options: red, blue",
    ),
    case(
        "option-lookup-of-a-value-not-in-the-list",
        "expr.not-an-option",
        21,
        after(BASE, AGE_LABEL, '        visible_when: \'lookup("colours", "bleu").warm\'\n'),
        hint="did you mean 'blue'?",
    ),
    # ---- groups --------------------------------------------------------------------------
    case(
        "group-field-read-without-item",
        "expr.group-field",
        35,
        BASE + "          - id: person_age\n            type: integer\n"
        "            label: {ar: ع, en: Age}\n"
        '            visible_when: "person_name != null"\n',
        mentions="person_name",
        hint="item.person_name",
    ),
    case(
        "group-field-read-outside-its-group",
        "expr.group-field",
        21,
        after(BASE, AGE_LABEL, '        visible_when: "person_name != null"\n'),
        hint="people.exists(i, i.person_name",
    ),
    # ---- options and lists -------------------------------------------------------------
    case(
        "options-missing",
        "options.missing",
        21,
        drop(BASE, "options_from: colours"),
        mentions="colour",
    ),
    case(
        "options-and-options-from",
        "options.both",
        24,
        after(
            BASE, "options_from: colours", "        options: [{value: x, label: {ar: س, en: X}}]\n"
        ),
    ),
    case(
        "options-from-unknown-list",
        "list.unknown",
        24,
        edit(BASE, "options_from: colours", "options_from: colors"),
        mentions="colors",
        hint="did you mean 'colours'?",
    ),
    case(
        "options-from-unknown-list-lists-the-lists",
        "list.unknown",
        24,
        edit(BASE, "options_from: colours", "options_from: shapes"),
        hint="lists: colours",
    ),
    case(
        "default-yes-for-a-choice",
        "default.not-an-option",
        25,
        after(BASE, "options_from: colours", "        default: yes\n"),
        hint="quotes",
    ),
    case(
        "yaml-boolean-where-text-is-expected",
        "schema.yaml-boolean",
        4,
        edit(BASE, "en: Service}", "en: yes}"),
        hint="quotes",
    ),
    case(
        "duplicate-option-value",
        "option.duplicate",
        10,
        edit(BASE, "value: blue", "value: red"),
        mentions="red",
    ),
    case(
        "duplicate-option-value-inline",
        "option.duplicate",
        35,
        BASE + "      - id: size\n        type: radio\n        label: {ar: مقاس, en: Size}\n"
        "        options: [{value: s, label: {ar: ص, en: S}}, {value: s, label: {ar: ك, en: L}}]\n",
        mentions="'s'",
    ),
    case(
        "default-not-an-option",
        "default.not-an-option",
        25,
        after(BASE, "options_from: colours", "        default: green\n"),
        mentions="green",
        hint="options: red, blue",
    ),
    case(
        "list-local-and-shared",
        "list.duplicate",
        8,
        files={"lists.yaml": SHARED_LISTS, "case.yaml": BASE},
        mentions="colours",
    ),
    case(
        "list-in-two-lists-files",
        "list.duplicate",
        3,
        file="zz_lists.yaml",
        files={"aa_lists.yaml": SHARED_LISTS, "zz_lists.yaml": SHARED_LISTS},
        mentions="colours",
    ),
    case(
        "duplicate-option-in-lists-file",
        "option.duplicate",
        5,
        file="lists.yaml",
        files={"lists.yaml": SHARED_LISTS + "    - {value: green, label: {ar: أخضر, en: Green}}\n"},
        mentions="green",
    ),
    case(
        "duplicate-service-id",
        "service.duplicate",
        1,
        file="b.yaml",
        files={"a.yaml": BASE, "b.yaml": BASE},
        mentions="base",
    ),
    # ---- ranges, bounds, field settings ------------------------------------------------
    case(
        "min-greater-than-max",
        "range.inverted",
        21,
        after(BASE, AGE_LABEL, "        min: 10\n        max: 5\n"),
        mentions="min",
    ),
    case(
        "min-length-greater-than-max-length",
        "range.inverted",
        17,
        after(BASE, "        type: text", "        min_length: 10\n        max_length: 5\n"),
        mentions="min_length",
    ),
    case(
        "min-items-greater-than-max-items",
        "range.inverted",
        28,
        after(BASE, "label: {ar: الأشخاص", "        min_items: 5\n        max_items: 2\n"),
        mentions="min_items",
    ),
    case(
        "date-bound-not-a-real-date",
        "date.invalid",
        35,
        BASE + "      - id: born\n        type: date\n        label: {ar: الميلاد, en: Born}\n"
        '        min: "2026-02-30"\n',
        mentions="2026-02-30",
        hint="February 2026 has 28 days: did you mean 2026-02-28?",
    ),
    case(
        "date-min-after-max",
        "range.inverted",
        35,
        BASE + "      - id: born\n        type: date\n        label: {ar: الميلاد, en: Born}\n"
        '        min: "2026-12-31"\n        max: "2026-01-01"\n',
    ),
    case(
        "bad-regex-pattern",
        "pattern.invalid",
        17,
        after(BASE, "        type: text", '        pattern: "[a-"\n'),
    ),
    case(
        "required-and-required-when",
        "required.conflict",
        22,
        after(BASE, AGE_LABEL, '        required: true\n        required_when: "name != null"\n'),
        mentions="age",
    ),
    case(
        "prefill-on-file-field",
        "prefill.unsupported",
        35,
        BASE + "      - id: papers\n        type: file\n        label: {ar: أوراق, en: Papers}\n"
        "        prefill: national_id\n",
        mentions="file",
    ),
    case(
        "readonly-required-without-default",
        "field.unfillable",
        21,
        after(BASE, AGE_LABEL, "        readonly: true\n        required: true\n"),
        mentions="age",
    ),
    case(
        "integer-default-out-of-range",
        "default.out-of-range",
        23,
        after(BASE, AGE_LABEL, "        min: 0\n        max: 120\n        default: 200\n"),
        mentions="200",
    ),
    case(
        "integer-default-not-a-number",
        "default.type",
        21,
        after(BASE, AGE_LABEL, "        default: old\n"),
        mentions="old",
    ),
    # ---- booking -----------------------------------------------------------------------
    case(
        "appointment-without-booking",
        "booking.missing",
        33,
        BASE
        + "      - id: slot\n        type: appointment\n        label: {ar: الموعد, en: Slot}\n",
        mentions="slot",
    ),
    case(
        "booking-unknown-field",
        "booking.unknown-field",
        40,
        edit(BOOKED, "resource_field: branch", "resource_field: branches"),
        mentions="branches",
    ),
    case(
        "booking-field-wrong-type",
        "booking.field-type",
        40,
        edit(BOOKED, "resource_field: branch", "resource_field: name"),
        mentions="name",
    ),
    case(
        "booking-slot-field-not-appointment",
        "booking.field-type",
        41,
        edit(BOOKED, "slot_field: slot", "slot_field: colour"),
        mentions="colour",
    ),
    case(
        "booking-hours-end-before-start",
        "booking.bad-hours",
        42,
        edit(BOOKED, '["08:00-12:00"]', '["12:00-08:00"]'),
        mentions="12:00-08:00",
    ),
    case(
        "booking-hours-overlap",
        "booking.bad-hours",
        42,
        edit(BOOKED, '["08:00-12:00"]', '["08:00-12:00", "11:00-13:00"]'),
        mentions="sun",
    ),
    case(
        "booking-window-inverted",
        "range.inverted",
        45,
        edit(BOOKED, "min_days_ahead: 1,", "min_days_ahead: 40,"),
        mentions="min_days_ahead",
    ),
    case(
        "booking-missing-key",
        "schema.required",
        40,  # first line of the block
        drop(BOOKED, "slot_minutes: 15"),
        mentions="slot_minutes",
    ),
    # ---- workflow ----------------------------------------------------------------------
    case(
        "workflow-unknown-status",
        "workflow.unknown-status",
        38,
        edit(WORKFLOW, "to: done", "to: dnoe"),
        mentions="dnoe",
        hint="did you mean 'done'?",
    ),
    case(
        "workflow-unknown-status-lists-the-statuses",
        "workflow.unknown-status",
        38,
        edit(WORKFLOW, "to: done", "to: finished"),
        hint="statuses: submitted, done",
    ),
    case(
        # knock-on: `done` is unreachable only because of the typo; it is listed after it
        "workflow-unreachable-because-of-a-typo",
        "workflow.unreachable",
        36,
        edit(WORKFLOW, "to: done", "to: dnoe"),
        hint="fix the transition",
    ),
    case(
        "workflow-unknown-initial",
        "workflow.unknown-status",
        33,
        edit(WORKFLOW, "initial: submitted", "initial: new"),
        mentions="new",
    ),
    case(
        "workflow-unreachable-status",
        "workflow.unreachable",
        37,
        after(WORKFLOW, "final: true}", "    - {id: archived, label: {ar: مؤرشف, en: Archived}}\n"),
        mentions="archived",
    ),
    case(
        "workflow-no-final-status",
        "workflow.no-final",
        35,  # first status
        edit(WORKFLOW, ", final: true}", "}"),
    ),
    case(
        "workflow-transition-from-final",
        "workflow.from-final",
        39,
        WORKFLOW + "    - {from: done, to: submitted, by: [staff]}\n",
        mentions="done",
    ),
    case(
        "workflow-duplicate-status",
        "workflow.duplicate-status",
        36,
        after(WORKFLOW, "{id: submitted,", "    - {id: submitted, label: {ar: مكرر, en: Again}}\n"),
        mentions="submitted",
    ),
    case(
        "workflow-condition-unknown-field",
        "expr.unknown-name",
        38,
        edit(WORKFLOW, "by: [staff]}", 'by: [staff], when: color == "red"}'),
        mentions="color",
        hint="did you mean 'colour'?",
    ),
    case(
        "workflow-condition-not-an-option",
        "expr.not-an-option",
        38,
        edit(WORKFLOW, "by: [staff]}", 'by: [staff], when: colour == "green"}'),
        mentions="green",
        hint="red, blue",
    ),
    case(
        "workflow-condition-not-boolean",
        "expr.not-boolean",
        38,
        edit(WORKFLOW, "by: [staff]}", "by: [staff], when: age + 1}"),
    ),
    # ---- notifications -----------------------------------------------------------------
    case(
        "notification-unknown-placeholder",
        "notification.unknown-placeholder",
        35,
        BASE + "notifications:\n  - event: submitted\n    channel: sms\n"
        '    body: {ar: "رقم {refrence}", en: "No. {reference}"}\n',
        mentions="refrence",
        hint="did you mean {reference}?",
    ),
    case(
        "notification-unknown-status",
        "notification.unknown-status",
        33,
        BASE + "notifications:\n"
        '  - {event: "status:archived", channel: sms, body: {ar: تم, en: Done}}\n',
        mentions="status:archived",
        hint="statuses:",
    ),
    case(
        "notification-email-without-subject",
        "notification.no-subject",
        33,
        BASE + "notifications:\n  - {event: submitted, channel: email, body: {ar: تم, en: Done}}\n",
    ),
    case(
        "notification-booking-event-without-booking",
        "notification.no-booking",
        33,
        BASE + "notifications:\n"
        "  - {event: booking_confirmed, channel: sms, body: {ar: تم, en: Done}}\n",
        mentions="booking_confirmed",
    ),
    case(
        "notification-event-unknown",
        "schema.enum",  # with the list of events as the hint
        33,
        BASE + "notifications:\n  - {event: approved, channel: sms, body: {ar: تم, en: Done}}\n",
        mentions="approved",
    ),
    case(
        "confirmation-unknown-placeholder",
        "confirmation.unknown-placeholder",
        34,
        BASE + "confirmation:\n  title: {ar: تم, en: Sent}\n"
        '  body: {ar: "رقم {reference}", en: "Number {referance}"}\n',
        mentions="referance",
        hint="did you mean {reference}?",
    ),
    # ---- files on disk -----------------------------------------------------------------
    case(
        "file-not-utf8",
        "file.encoding",
        1,
        files={"case.yaml": BASE.replace("Agency", "Ag\xe9ncy").encode("latin-1", "replace")},
    ),
    case(
        "file-too-large",
        "file.too-large",
        1,
        files={"case.yaml": BASE + "#" * MAX_FILE_BYTES + "\n"},
    ),
    case("file-missing", "file.unreadable", 1, files={}),
]


def _problems(c: Case, tmp_path: Path) -> tuple[list[Problem], str]:
    """Every problem the loader reports for the case, and the file name to look for."""
    if c.text is not None:
        try:
            compile_text(c.text, c.file)
        except DefinitionError as exc:
            return exc.problems, c.file
        return [], c.file  # accepted
    paths = []
    for name, content in c.files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        paths.append(target)
    if not c.files:  # a file that is not there
        paths.append(tmp_path / c.file)
    result = load(paths)
    return result.problems, str(tmp_path / c.file)


@pytest.mark.parametrize("c", CASES)
def test_broken_definition_is_rejected_at_its_line(c: Case, tmp_path: Path) -> None:
    problems, file = _problems(c, tmp_path)
    assert problems, "the broken definition was accepted"
    shown = "\n".join(map(str, problems))
    with_code = [p for p in problems if p.code == c.code]
    assert with_code, f"no {c.code} among:\n{shown}"
    at_line = [p for p in with_code if p.line == c.line and p.file == file]
    assert at_line, f"{c.code} not at {file}:{c.line}:\n{shown}"
    if c.mentions:
        assert any(c.mentions in p.message for p in at_line), shown
    if c.hint:
        assert any(c.hint in p.hint for p in at_line), shown


def test_knock_on_problem_follows_its_cause() -> None:
    """`done` unreachable (line 36) is caused by the typo in the transition (line 38): it
    is listed right after it, not before."""
    with pytest.raises(DefinitionError) as caught:
        compile_text(edit(WORKFLOW, "to: done", "to: dnoe"), "case.yaml")
    codes = [p.code for p in caught.value.problems]
    assert codes == ["workflow.unknown-status", "workflow.unreachable"], caught.value


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45
    assert len({p.id for p in CASES}) == len(CASES)


@pytest.mark.parametrize("text", [BASE, BOOKED, WORKFLOW], ids=["base", "booked", "workflow"])
def test_bases_are_valid(text: str) -> None:
    """Every case breaks a valid text: the bases themselves compile."""
    definition = compile_text(text, "base.yaml")
    assert definition.id == "base"


def test_base_line_numbers_are_as_documented() -> None:
    lines = BASE.splitlines()
    assert len(lines) == 31
    assert lines[14] == "      - id: name" and lines[17] == "      - id: age"
    assert lines[20] == "      - id: colour" and lines[28] == "          - id: person_name"
    assert BOOKED.splitlines()[38] == "booking:" and WORKFLOW.splitlines()[31] == "workflow:"


# --------------------------------------------------------------------------------------
# Valid variants near the edges: these must NOT be rejected.
# --------------------------------------------------------------------------------------

VALID = [
    pytest.param(
        BASE + "      - id: born\n        type: date\n        label: {ar: الميلاد, en: Born}\n"
        '        min: "today-9999d"\n        max: today\n',
        id="date-relative-bounds",
    ),
    pytest.param(
        BASE + "      - id: born\n        type: date\n        label: {ar: الميلاد, en: Born}\n"
        '        min: "2000-01-01"\n        max: "2030-12-31"\n',
        id="date-absolute-bounds",
    ),
    pytest.param(
        BASE + "      - id: born\n        type: date\n        label: {ar: الميلاد, en: Born}\n"
        '        min: "1900-01-01"\n        max: today\n',
        id="date-of-birth-absolute-min-today-max",
    ),
    pytest.param(
        edit(BASE, "options_from: colours", "options_from: colours\n        default: red"),
        id="default-is-an-option",
    ),
    pytest.param(
        after(BASE, AGE_LABEL, "        min: 0\n        max: 120\n        default: 30\n"),
        id="integer-default-in-range",
    ),
    pytest.param(
        after(
            BASE,
            AGE_LABEL,
            "        readonly: true\n        required: true\n        prefill: national_id\n",
        ),
        id="readonly-required-with-prefill",
    ),
    pytest.param(edit(BASE, 'version: "1"', "version: 3"), id="integer-version"),
    # whole numbers and decimals mix freely
    pytest.param(
        after(
            BASE,
            AGE_LABEL,
            '        visible_when: "1 + 2.5 > size(name) && 50.0 * size(people) < 9.5"\n',
        ),
        id="integers-and-decimals-mix",
    ),
    pytest.param(
        BASE + 'fees:\n  kind: computed\n  expression: "size(people) * 2.5 + 10"\n'
        "  payable: on_submit\n  methods: [sadad]\n",
        id="fee-mixes-integers-and-decimals",
    ),
    pytest.param(
        after(
            BASE,
            AGE_LABEL,
            '        visible_when: \'colour in ["red"] && today >= "2026-01-01"\'\n',
        ),
        id="option-and-date-comparisons",
    ),
    pytest.param(
        edit(
            edit(BASE, "title: {ar: خدمة", "title: &t {ar: خدمة"),
            "summary: {ar: ملخص, en: Summary}",
            "summary: {<<: *t, en: Summary}",
        ),
        id="merge-key-with-override",  # not a duplicate key: YAML merge semantics
    ),
]


@pytest.mark.parametrize("text", VALID)
def test_valid_variant_is_accepted(text: str) -> None:
    try:
        compile_text(text, "valid.yaml")
    except DefinitionError as exc:
        pytest.fail(f"rejected:\n{exc}")


# --------------------------------------------------------------------------------------
# How problems are shown.
# --------------------------------------------------------------------------------------

PROBLEM_LINE = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<code>[a-z]+\.[a-z-]+): \S"
)


def test_every_problem_prints_as_file_line_col_code_message(tmp_path: Path) -> None:
    broken = after(
        edit(BASE, "- id: age", "- id: name"),
        "        type: text",
        '        visible_when: "nmae != null"\n',
    )
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "bad_yaml.yaml").write_text("id: [oops\n", encoding="utf-8")
    result = load([tmp_path])
    assert len(result.problems) >= 3
    for problem in result.problems:
        text = str(problem)
        m = PROBLEM_LINE.match(text)
        assert m, text
        assert m["file"] == problem.file and int(m["line"]) == problem.line
        assert int(m["col"]) == problem.column and m["code"] == problem.code
        assert text.startswith(
            f"{problem.file}:{problem.line}:{problem.column}: {problem.code}: {problem.message}"
        )
        if problem.hint:
            assert text.endswith(f" ({problem.hint})")
    # and DefinitionError lists them the same way, one a line
    with pytest.raises(DefinitionError) as caught:
        compile_text(broken, "broken.yaml")
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]


def test_khidma_check_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.yaml"
    broken.write_text(edit(BASE, "- id: age", "- id: name"), encoding="utf-8")
    bad = runner.invoke(main, ["check", str(broken)])
    assert bad.exit_code == 1, bad.output
    assert f"{broken}:18:" in bad.output and "id.duplicate" in bad.output

    good = runner.invoke(main, ["check", str(FIXTURES / "minimal.yaml")])
    assert good.exit_code == 0, good.output
