"""What each key of a service or lists file means, as editors show it on hover.

`schema.py` builds the structure; this table gives every non-field key its one-line
`description` (the field-type keys carry theirs in `khidma.fields`). Paths are the keys
from the top of the file joined by `/`, list items skipped: `steps/fields` is the `fields`
of any step, `booking/resources/schedule` the schedule of any resource; `$defs/<name>/<key>`
are keys of a shared definition. docs/definition-format.md says the same at length.
"""

from __future__ import annotations

_DAYS = {
    "sat": "Saturday",
    "sun": "Sunday",
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
}
_SLOTS = {
    "slot_minutes": "Length of one slot, in minutes (5–240).",
    "capacity_per_slot": "How many bookings one slot can take (1–500).",
}
_SCHEDULE = "Opening hours per weekday: a list of HH:MM-HH:MM spans; days not listed are closed."


def _schedule(prefix: str) -> dict[str, str]:
    return {
        prefix: _SCHEDULE,
        **{
            f"{prefix}/{day}": f"Opening hours on {name}: HH:MM-HH:MM spans."
            for day, name in _DAYS.items()
        },
    }


SERVICE: dict[str, str] = {
    "kind": "What the file is: `service` (the default) or, in a shared lists file, `lists`.",
    "id": "The service's id: lower-case letters, digits and _, unique on the platform.",
    "version": 'A version label: N, N.N or N.N.N ("1.2"); versions differ by content hash.',
    "agency": "The agency that owns the service: `id` and `name`.",
    "agency/id": "The agency's id; staff accounts belong to an agency by this id.",
    "agency/name": "The agency's name, in Arabic and English.",
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
    "fees": "What the service costs; without it the service is free.",
    "fees/kind": "`none`, `fixed` (an `amount`) or `computed` (an `expression` of the answers).",
    "fees/amount": "The fixed fee in SAR (more than 0, at most 1,000,000).",
    "fees/expression": "A CEL expression giving the fee in SAR from the answers.",
    "fees/currency": "The currency: SAR.",
    "fees/payable": "When the fee is paid: `on_submit` or `after_approval`.",
    "fees/methods": "How it may be paid: `sadad`, `card`, `bank_account`.",
    "fees/note": "How the fee is worked out, in words, shown on the card and review.",
    "duration": "How long the service takes: `text`, and `sla_days` for the staff queue.",
    "duration/text": "How long the service takes, in words, shown on the card.",
    "duration/sla_days": "Days staff have to finish a request (1–365); late ones are flagged.",
    "channels": "Other channels the service is offered through (a branch, a phone line).",
    "channels/name": "The channel's name.",
    "channels/detail": "Where or how to reach it.",
    "terms": "Terms and conditions shown on the card.",
    "required_documents": "Documents the applicant should have ready, shown on the card.",
    "instructions": "A page of instructions the applicant accepts before the form.",
    "instructions/title": "The instructions page's title.",
    "instructions/items": "The instructions, one text each, shown as a list.",
    "instructions/accept_label": "The label of the box the applicant ticks to accept them.",
    "rating": "Whether applicants may rate the service (default: enabled).",
    "rating/enabled": "Whether applicants may rate the service.",
    "lists": "Option lists of this service, by id; fields use them with `options_from`.",
    "steps": "The pages of the form, in order (at least one).",
    "steps/id": "The step's id (unique in the service; it appears in the wizard's URL).",
    "steps/title": "The step's title, shown above its fields and in the progress bar.",
    "steps/intro": "A paragraph shown under the step's title.",
    "steps/visible_when": "A CEL condition: the step is shown only when it is true.",
    "steps/fields": "The fields of the step, in order (at least one).",
    "review": "The review page before submitting (default: enabled).",
    "review/enabled": "Whether the applicant reviews the answers before submitting.",
    "review/title": "The review page's title.",
    "review/intro": "A paragraph shown at the top of the review page.",
    "declarations": "Statements the applicant must accept before submitting.",
    "declarations/id": "The declaration's id (unique in the service).",
    "declarations/text": "What the applicant declares.",
    "confirmation": "The page shown after submitting (default: the platform's own).",
    "confirmation/title": "The confirmation page's title.",
    "confirmation/body": "What the applicant reads after submitting.",
    "booking": "Appointment booking: which fields hold the resource and the slot, and the hours.",
    "booking/resource_field": "The select or radio field whose options are the resources booked.",
    "booking/service_field": "The select or radio field choosing the service at the resource.",
    "booking/slot_field": "The `appointment` field that holds the chosen slot.",
    "booking/beneficiary_field": "The field naming whom an appointment is for.",
    **_schedule("booking/schedule"),
    **{f"booking/{key}": text for key, text in _SLOTS.items()},
    "booking/closed_dates": "Days with no slots (holidays), as YYYY-MM-DD.",
    "booking/hold_minutes": "Minutes a chosen slot is held until the request is in (1–60).",
    "booking/resources": "A resource's own settings, by its option value (replacing the block's).",
    **_schedule("booking/resources/schedule"),
    **{f"booking/resources/{key}": text for key, text in _SLOTS.items()},
    "booking/resources/closed_dates": "This resource's days with no slots, as YYYY-MM-DD.",
    "booking/services": "A service's own slot length and places, by its option value.",
    **{f"booking/services/{key}": text for key, text in _SLOTS.items()},
    "booking/window": "How far ahead one may book.",
    "booking/window/min_days_ahead": "The earliest day one may book, in days from today (0–365).",
    "booking/window/max_days_ahead": "The latest day one may book, in days from today (1–365).",
    "booking/cancellation": "Whether and until when a booking may be cancelled.",
    "booking/cancellation/allowed": "Whether the applicant may cancel a booking.",
    "booking/cancellation/deadline_hours": "Cancelling ends this many hours before the slot.",
    "booking/reschedule": "Whether a booked slot may be moved.",
    "booking/reschedule/allowed": "Whether the applicant may move a booked slot.",
    "booking/max_active_per_person": "How many upcoming appointments one person may hold (1–50).",
    "booking/ticket": "What the appointment ticket says.",
    "booking/ticket/documents_to_bring": "Documents to bring to the appointment.",
    "booking/ticket/instructions": "Instructions printed on the ticket.",
    "workflow": "The statuses a request goes through and who may move it (default: the standard).",
    "workflow/initial": "The status of a request just submitted.",
    "workflow/statuses": "The statuses (at least two; at least one final).",
    "workflow/statuses/id": "The status's id (unique among statuses).",
    "workflow/statuses/label": "What applicant and staff see.",
    "workflow/statuses/final": "The request is closed in this status; nothing may leave it.",
    "workflow/statuses/waiting_for": "Whose move it is: `staff`, `citizen` or `payment`.",
    "workflow/transitions": "The allowed moves between statuses.",
    "workflow/transitions/from": "The status (or list of statuses) the move leaves.",
    "workflow/transitions/to": "The status the move enters.",
    "workflow/transitions/by": "Who may make it: `citizen`, `staff`, `system`.",
    "workflow/transitions/label": "The button's label.",
    "workflow/transitions/note_required": "Whether the person moving must write a note (a reason).",
    "notifications": "Messages sent to the applicant on events.",
    "notifications/event": "When to send it: an event (`submitted`, …) or `status:<id>`.",
    "notifications/channel": "How: `sms` or `email`.",
    "notifications/subject": "The e-mail's subject (required for e-mail).",
    "notifications/body": "The message; {reference}, {status} and the like are filled in.",
    "$defs/text/ar": "The Arabic text (shown first).",
    "$defs/text/en": "The English text.",
    "$defs/rule/check": "A CEL condition that must be true for the answer to be accepted.",
    "$defs/rule/message": "The error shown when the check is false.",
    "$defs/option/value": "Letters, digits, _ . - (at most 64): the value expressions see.",
    "$defs/option/label": "What the applicant sees.",
    "$defs/field/type": "The field's type; it decides which other keys the field takes.",
}

LISTS: dict[str, str] = {
    "kind": "`lists`: this file holds option lists shared by the services beside it.",
    "lists": "Option lists by id; services use them with `options_from`.",
}
