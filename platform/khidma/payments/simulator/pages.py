"""The simulated provider's own pages: the hosted payment page where the tester picks the
outcome, and the SADAD desk where a bill is paid or left to expire. Plain HTML forms (no
JavaScript), bilingual, every label tied to its control."""

from __future__ import annotations

from html import escape

from khidma.payments.money import format_money
from khidma.payments.simulator.provider import SimPayment

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
    "color:#161616;line-height:1.5}fieldset{margin:1rem 0}button{font-size:1rem;"
    "padding:.5rem 1.25rem;background:#1b8354;color:#fff;border:0;border-radius:4px}"
    "table{border-collapse:collapse}td,th{border:1px solid #6c737f;padding:.25rem .5rem}"
)
OUTCOME_LABELS = {
    "success": "Success — نجاح الدفع",
    "decline": "Decline — رفض البطاقة",
    "cancel": "Cancel — إلغاء من الدافع",
    "expiry": "Expiry — انتهاء المهلة",
}
NOTIFY_LABELS = {
    "normal": "After the payer returns — بعد عودة الدافع",
    "before": "Before the payer returns — قبل عودة الدافع",
    "twice": "Twice (duplicate) — مرتين",
    "never": "Never (lost) — لا يرسل أبداً",
}


def _page(title: str, body: str, lang: str = "en") -> str:
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def _radios(name: str, labels: dict[str, str], checked: str) -> str:
    items = []
    for value, label in labels.items():
        mark = " checked" if value == checked else ""
        items.append(
            f'<div><input type="radio" id="{name}-{value}" name="{name}" value="{value}"{mark}>'
            f' <label for="{name}-{value}">{escape(label)}</label></div>'
        )
    return "".join(items)


def _facts(payment: SimPayment) -> str:
    return (
        "<dl>"
        f"<dt>Amount — المبلغ</dt><dd>{escape(format_money(payment.amount, 'en'))} · "
        f'<span lang="ar">{escape(format_money(payment.amount, "ar"))}</span></dd>'
        f'<dt>Description — الوصف</dt><dd dir="auto">{escape(payment.description)}</dd>'
        f"<dt>Reference — المرجع</dt><dd>{escape(payment.reference)}</dd>"
        "</dl>"
    )


def hosted_page(payment: SimPayment) -> str:
    body = (
        "<p>Simulated payment provider: choose what happens. — مزوّد دفع تجريبي.</p>"
        + _facts(payment)
        + f'<form method="post" action="/pay/{escape(payment.id)}">'
        "<fieldset><legend>Outcome — النتيجة</legend>"
        + _radios("outcome", OUTCOME_LABELS, "success")
        + "</fieldset><fieldset><legend>Notification to the platform — إشعار المنصة</legend>"
        + _radios("notify", NOTIFY_LABELS, "normal")
        + '</fieldset><div><input type="checkbox" id="late_success" name="late_success" '
        'value="1"> <label for="late_success">Succeed late after a failure — نجاح متأخر '
        "بعد الفشل</label></div>"
        '<p><button type="submit" id="pay">Continue — متابعة</button></p></form>'
    )
    return _page("Khidma Pay (simulator) — card / bank account", body)


def finished_page(payment: SimPayment) -> str:
    back = ""
    if payment.return_url:
        back = f'<p><a href="{escape(payment.return_url)}">Return to the service — العودة</a></p>'
    body = f"<p>This payment is finished: <strong>{escape(payment.state.value)}</strong>.</p>{back}"
    return _page("Khidma Pay (simulator) — payment finished", body)


def sadad_desk(bills: list[SimPayment]) -> str:
    rows = []
    for p in bills:
        assert p.bill is not None
        number = escape(p.bill.bill_number)
        actions = ""
        if not p.state.finished:
            actions = (
                f'<form method="post" action="/sadad/{number}/pay">'
                f'<label for="notify-{number}">Notification</label> '
                f'<select id="notify-{number}" name="notify">'
                + "".join(f'<option value="{v}">{escape(v)}</option>' for v in NOTIFY_LABELS)
                + f'</select> <button type="submit" id="pay-{number}">Pay bill — سداد</button>'
                f'</form><form method="post" action="/sadad/{number}/expire">'
                f'<button type="submit" id="expire-{number}">Expire — إنهاء</button></form>'
            )
        rows.append(
            f"<tr><td>{number}</td><td>{escape(p.bill.biller_code)}</td>"
            f"<td>{escape(format_money(p.amount, 'en'))}</td>"
            f"<td>{escape(p.bill.expires_at.isoformat(timespec='minutes'))}</td>"
            f"<td>{escape(p.state.value)}</td><td>{actions}</td></tr>"
        )
    table = (
        "<table><caption>SADAD bills — فواتير سداد</caption><thead><tr>"
        '<th scope="col">Bill number</th><th scope="col">Biller code</th>'
        '<th scope="col">Amount</th><th scope="col">Expires</th><th scope="col">State</th>'
        '<th scope="col">Actions</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )
    empty = "<p>No bills yet.</p>" if not rows else ""
    return _page("Khidma Pay (simulator) — SADAD desk", empty + table)
