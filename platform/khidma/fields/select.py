"""`select`: one choice from a drop-down list."""

from __future__ import annotations

from khidma.fields.base import Web
from khidma.fields.options import OptionsFamily


class Select(OptionsFamily):
    name = "select"
    summary = "One choice from a drop-down list."
    example = "first"
    names_subject = True
    web = Web(template="wizard/fields/select.html")
