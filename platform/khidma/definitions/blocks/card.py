"""The keys the service card shows: title, summary, description, who it is for, signing
in, duration, channels, terms, documents to have ready, and whether it may be rated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text
from khidma.definitions.common import texts

BENEFICIARIES = ["citizens", "residents", "visitors", "businesses", "government"]


@dataclass(frozen=True)
class SignIn:
    required: bool = True
    methods: tuple[str, ...] = ("national_sso", "local_account")
    note: Text | None = None


class CardBlock(Block):
    name = "card"
    summary = "What the service card shows: the service in words, who may apply and how."
    required = ("title", "summary", "description")
    properties: ClassVar[JSON] = {
        "title": TEXT,
        "summary": TEXT,
        "description": TEXT,
        "keywords": array({"type": "string", "minLength": 1}),
        "audience": {"enum": ["individuals", "businesses"]},
        "beneficiaries": array({"enum": BENEFICIARIES}, 1, uniqueItems=True),
        "sign_in": obj(
            {
                "required": {"type": "boolean"},
                "methods": array({"enum": ["national_sso", "local_account"]}, 1, uniqueItems=True),
                "note": TEXT,
            },
            ["required"],
        ),
        "duration": obj(
            {"text": TEXT, "sla_days": {"type": "integer", "minimum": 1, "maximum": 365}},
            ["text"],
        ),
        "channels": array(obj({"name": TEXT, "detail": TEXT}, ["name"])),
        "terms": array(TEXT),
        "required_documents": array(TEXT),
        "rating": obj({"enabled": {"type": "boolean"}}, ["enabled"]),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "title": "The service's name on the card, the wizard and the PDF.",
        "summary": "One sentence under the title in the catalogue.",
        "description": "What the service does, shown on the service card.",
        "keywords": "Extra search terms, in either language.",
        "audience": "Which catalogue lists the service: `individuals` (default) or `businesses`.",
        "beneficiaries": "Who may benefit, shown on the card (citizens, residents, visitors, …).",
        "sign_in": "Whether and how the applicant signs in (default: required, both methods).",
        "sign_in/required": "Whether the applicant must sign in to apply.",
        "sign_in/methods": "How: `national_sso` (the national single sign-on), `local_account`.",
        "sign_in/note": "A note about signing in, shown on the card.",
        "duration": "How long the service takes: `text`, and `sla_days` for the staff queue.",
        "duration/text": "How long the service takes, in words, shown on the card.",
        "duration/sla_days": "Days staff have to finish a request (1–365); late ones are flagged.",
        "channels": "Other channels the service is offered through (a branch, a phone line).",
        "channels/name": "The channel's name.",
        "channels/detail": "Where or how to reach it.",
        "terms": "Terms and conditions shown on the card.",
        "required_documents": "Documents the applicant should have ready, shown on the card.",
        "rating": "Whether applicants may rate the service (default: enabled).",
        "rating/enabled": "Whether applicants may rate the service.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        d = c.data
        sign_in = d.get("sign_in", {"required": True})
        duration = d.get("duration")
        return {
            "title": Text(**d["title"]),
            "summary": Text(**d["summary"]),
            "description": Text(**d["description"]),
            "sign_in": SignIn(
                required=sign_in["required"],
                methods=tuple(sign_in.get("methods", ("national_sso", "local_account"))),
                note=Text.of(sign_in.get("note")),
            ),
            "keywords": tuple(d.get("keywords", ())),
            "audience": d.get("audience", "individuals"),
            "beneficiaries": tuple(d.get("beneficiaries", ())),
            "duration": Text.of(duration["text"]) if duration else None,
            "sla_days": duration.get("sla_days") if duration else None,
            "channels": tuple(
                (Text(**c["name"]), Text.of(c.get("detail"))) for c in d.get("channels", ())
            ),
            "terms": texts(d.get("terms")),
            "required_documents": texts(d.get("required_documents")),
            "rating_enabled": d.get("rating", {}).get("enabled", True),
        }
