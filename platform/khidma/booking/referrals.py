"""Other appointments (mawid): the citizen's appointments at hospitals they were referred
to, read from a referral source behind one interface. The real source is an agency
integration (the Ministry of Health's referral system); `DevReferrals` is the development
stand-in with fixtures, dated relative to the day asked about so they stay upcoming."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from khidma.definitions.model import Text

__all__ = ["DevReferrals", "Referral", "ReferralSource"]


@dataclass(frozen=True)
class Referral:
    reference: str
    hospital: Text
    clinic: Text
    starts_at: dt.datetime  # Riyadh wall clock


class ReferralSource(Protocol):
    def appointments(self, national_id: str, today: dt.date) -> Sequence[Referral]:
        """The person's referral appointments, upcoming and past, in any order."""
        ...


_FIXTURES = (
    (
        "R-2041",
        Text("مستشفى الملك فهد", "King Fahd Hospital"),
        Text("عيادة العظام", "Orthopaedics clinic"),
        6,
        "10:30",
    ),
    (
        "R-1987",
        Text("مدينة الملك سعود الطبية", "King Saud Medical City"),
        Text("عيادة القلب", "Cardiology clinic"),
        -21,
        "09:00",
    ),
)


class DevReferrals:
    """Two fixture referrals for any citizen (development only)."""

    def appointments(self, national_id: str, today: dt.date) -> Sequence[Referral]:
        if not national_id:
            return []
        found = []
        for reference, hospital, clinic, days, time in _FIXTURES:
            day = today + dt.timedelta(days=days)
            hours, minutes = (int(p) for p in time.split(":"))
            found.append(
                Referral(
                    reference, hospital, clinic, dt.datetime.combine(day, dt.time(hours, minutes))
                )
            )
        return found
