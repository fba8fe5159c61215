"""Test personas of the development SSO stand-in (and the demo data): a citizen, a
resident, a member of staff of every agency that publishes a service, an auditor and an
administrator. Their ID numbers pass the Luhn check; their claims are the full set a
national SSO returns. They are fiction: no real person has these numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from khidma.definitions.model import Text
from khidma.definitions.registry import DefinitionRegistry
from khidma.engine.identifiers import make_national_id
from khidma.identity.claims import Claims
from khidma.storage.models import Role


@dataclass(frozen=True)
class Persona:
    key: str
    role: Role
    claims: Claims
    username: str
    label: Text
    agency_id: str | None = None
    supervisor: bool = False  # staff who may hand the agency's requests to another


_STAFF_NAMES = (
    ("فهد سعد ناصر الدوسري", "Fahad Saad Nasser Aldosari"),
    ("ريم خالد إبراهيم الشمري", "Reem Khalid Ibrahim Alshammari"),
    ("عبد العزيز فيصل حمد المطيري", "Abdulaziz Faisal Hamad Almutairi"),
    ("هيا سلطان عبد الرحمن الزهراني", "Haya Sultan Abdulrahman Alzahrani"),
    ("تركي ماجد سالم الغامدي", "Turki Majed Salem Alghamdi"),
    ("منيرة عادل يوسف الحربي", "Munira Adel Yousef Alharbi"),
)


def _claims(
    prefix: str,
    name_ar: str,
    name_en: str,
    born: dt.date,
    gender: str,
    mobile: str,
    email: str,
    nationality: str = "سعودي",
) -> Claims:
    return Claims(
        national_id=make_national_id(prefix),
        name_ar=name_ar,
        name_en=name_en,
        date_of_birth=born,
        nationality=nationality,
        gender=gender,
        mobile=mobile,
        email=email,
    )


def _citizens() -> list[Persona]:
    return [
        Persona(
            key="citizen",
            role=Role.CITIZEN,
            username="citizen",
            label=Text("مواطن", "Citizen"),
            claims=_claims(
                "108412345",
                "محمد عبد الله صالح القحطاني",
                "Mohammed Abdullah Saleh Alqahtani",
                dt.date(1990, 4, 15),
                "male",
                "+966501234567",
                "m.alqahtani@example.sa",
            ),
        ),
        Persona(
            key="citizen_female",
            role=Role.CITIZEN,
            username="citizen2",
            label=Text("مواطنة", "Citizen (woman)"),
            claims=_claims(
                "109876543",
                "نورة سعد فهد العتيبي",
                "Noura Saad Fahad Alotaibi",
                dt.date(1995, 11, 2),
                "female",
                "+966551234568",
                "n.alotaibi@example.sa",
            ),
        ),
        Persona(
            key="resident",
            role=Role.CITIZEN,
            username="resident",
            label=Text("مقيم", "Resident"),
            claims=_claims(
                "212345678",
                "أحمد محمود حسن المصري",
                "Ahmed Mahmoud Hassan Elmasry",
                dt.date(1985, 7, 20),
                "male",
                "+966531234569",
                "a.elmasry@example.com",
                nationality="مصري",
            ),
        ),
    ]


def _officials(registry: DefinitionRegistry) -> list[Persona]:
    agencies: dict[str, Text] = {}
    for definition in registry.services():
        agencies.setdefault(definition.agency.id, definition.agency.name)
    personas = []
    for number, agency_id in enumerate(sorted(agencies)):
        name_ar, name_en = _STAFF_NAMES[number % len(_STAFF_NAMES)]
        name = agencies[agency_id]
        personas.append(
            Persona(
                key=f"staff:{agency_id}",
                role=Role.STAFF,
                agency_id=agency_id,
                username=f"staff.{agency_id}"[:32],
                label=Text(f"موظف — {name.ar}", f"Staff — {name.en}"),
                claims=_claims(
                    f"1099{number:03d}01",
                    name_ar,
                    name_en,
                    dt.date(1980 + number, 1 + number % 12, 10),
                    "female" if number % 2 else "male",
                    f"+96654{number:07d}",
                    f"staff.{number}@{agency_id.replace('_', '-')}.example.sa",
                ),
            )
        )
        sup_ar, sup_en = _STAFF_NAMES[(number + 1) % len(_STAFF_NAMES)]
        personas.append(
            Persona(
                key=f"supervisor:{agency_id}",
                role=Role.STAFF,
                agency_id=agency_id,
                username=f"supervisor.{agency_id}"[:32],
                label=Text(f"مشرف — {name.ar}", f"Supervisor — {name.en}"),
                supervisor=True,
                claims=_claims(
                    f"1099{number:03d}02",
                    sup_ar,
                    sup_en,
                    dt.date(1975 + number, 1 + (number + 3) % 12, 12),
                    "male" if number % 2 else "female",
                    f"+96650{number:07d}",
                    f"supervisor.{number}@{agency_id.replace('_', '-')}.example.sa",
                ),
            )
        )
    personas.append(
        Persona(
            key="auditor",
            role=Role.AUDITOR,
            username="auditor",
            label=Text("مدقق", "Auditor"),
            claims=_claims(
                "107700001",
                "سارة عبد الله ناصر السبيعي",
                "Sarah Abdullah Nasser Alsubaie",
                dt.date(1982, 3, 8),
                "female",
                "+966561000001",
                "auditor@example.sa",
            ),
        )
    )
    personas.append(
        Persona(
            key="admin",
            role=Role.ADMIN,
            username="admin",
            label=Text("مدير النظام", "Administrator"),
            claims=_claims(
                "107700002",
                "خالد محمد علي العمري",
                "Khalid Mohammed Ali Alomari",
                dt.date(1978, 9, 30),
                "male",
                "+966561000002",
                "admin@example.sa",
            ),
        )
    )
    return personas


def personas(registry: DefinitionRegistry) -> list[Persona]:
    """Every persona, citizens first, then staff by agency id, the auditor, the admin."""
    return _citizens() + _officials(registry)


def persona(registry: DefinitionRegistry, key: str) -> Persona | None:
    return next((p for p in personas(registry) if p.key == key), None)
