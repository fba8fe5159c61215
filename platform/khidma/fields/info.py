"""`info`: a block of text shown to the applicant; holds no answer."""

from __future__ import annotations

from typing import ClassVar

from khidma.fields.base import EXPR
from khidma.fields.base import JSON
from khidma.fields.base import TEXT
from khidma.fields.base import FieldType
from khidma.fields.base import Web
from khidma.fields.base import key


class Info(FieldType):
    name = "info"
    summary = "A block of text shown to the applicant; holds no answer."
    holds_value = False
    takes_input = False
    required_keys = ("id", "type", "content")
    summary_kind = "none"
    changeable = False
    keys: ClassVar[JSON] = {
        "title": key(TEXT, "A heading above the text."),
        "content": key(TEXT, "The text shown."),
        "style": key({"enum": ["note", "warning", "success"]}, "How the block looks."),
        "visible_when": key(EXPR, "An expression: the block is shown only when it is true."),
    }
    web = Web(template="wizard/fields/info.html", posted="none")
