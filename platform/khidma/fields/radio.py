"""`radio`: one choice from a short list shown as radio buttons."""

from __future__ import annotations

from khidma.fields.base import Web
from khidma.fields.options import OptionsFamily


class Radio(OptionsFamily):
    name = "radio"
    summary = "One choice from a short list shown as radio buttons."
    example = "first"
    web = Web(template="wizard/fields/choices.html", input_type="radio")
