"""The engine: what a service definition means for one applicant's answers.

Pure functions over data — no web framework, no database, no clock, no I/O (a test keeps
it so). The modules, from the bottom up:

- `identifiers`, `dates` — Saudi national IDs, mobiles, digits; Hijri dates.
- `messages`, `errors` — error codes, their bilingual messages, `FieldError`.
- `values` — raw input → stored value, through each type of `khidma.fields`.
- `prefill` — identity claims and defaults; which fields are locked.
- `order`, `conditions` — evaluation order, host functions, safe expression evaluation.
- `evaluate` — `evaluate(definition, answers, today=...) -> State`.
- `validate` — `validate_step`, `validate_submission` (each returns `Checked`),
  `validate_declarations`.
- `wizard` — the pages and progress: `plan(...) -> Wizard`.
- `display`, `summary` — display text and the render tree `build_summary(...) -> Summary`.

Import from the modules; this package imports nothing so that loading one part stays cheap.
"""
