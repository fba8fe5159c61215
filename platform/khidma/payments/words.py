"""The payment feature's own words, Arabic and English (pages and messages).

`khidma.web.payments` adds them to the interface's catalog, so templates use `t(key)` as
everywhere else; the messages to citizens are built from them in `notices`.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # --- the pay page ---------------------------------------------------------------
    "payments.title": {"ar": "سداد الرسوم", "en": "Pay the fee"},
    "payments.amount_due": {"ar": "المبلغ المستحق", "en": "Amount due"},
    "payments.fees": {"ar": "الرسوم", "en": "Fees"},
    "payments.error.fee_unavailable": {
        "ar": "تعذر احتساب رسوم هذا الطلب، فلم يُرسل. بياناتك محفوظة؛ حاول لاحقاً أو تواصل مع الجهة.",
        "en": "The fee of this request could not be worked out, so it was not sent. Your "
        "answers are kept; try again later or contact the agency.",
    },
    "payments.when": {"ar": "موعد الدفع", "en": "When to pay"},
    "payments.fee_rule": {"ar": "طريقة احتساب الرسوم", "en": "How the fee was worked out"},
    "payments.fee_fixed": {"ar": "رسوم ثابتة", "en": "A fixed fee"},
    "payments.fee_computed": {
        "ar": "محسوبة من بيانات طلبك عند تقديمه",
        "en": "Worked out from your request when you submitted it",
    },
    "payments.choose_method": {"ar": "اختر طريقة الدفع", "en": "Choose how to pay"},
    "payments.method.sadad": {"ar": "سداد", "en": "SADAD"},
    "payments.method.card": {"ar": "البطاقة الائتمانية أو مدى", "en": "Credit or mada card"},
    "payments.method.bank_account": {"ar": "الحساب البنكي", "en": "Bank account"},
    "payments.method_hint.sadad": {
        "ar": "تصدر لك فاتورة برقم تسددها من تطبيق مصرفك أو الصراف الآلي.",
        "en": "You get a bill number to pay from your bank's app or an ATM.",
    },
    "payments.method_hint.card": {
        "ar": "تنتقل إلى صفحة الدفع الآمنة لمزود الدفع ثم تعود إلى هنا.",
        "en": "You go to the payment provider's secure page, then come back here.",
    },
    "payments.method_hint.bank_account": {
        "ar": "تنتقل إلى صفحة مصرفك لتأكيد الدفع ثم تعود إلى هنا.",
        "en": "You go to your bank's page to confirm the payment, then come back here.",
    },
    "payments.continue": {"ar": "متابعة الدفع", "en": "Continue to payment"},
    "payments.error.method": {
        "ar": "اختر طريقة الدفع.",
        "en": "Choose how you want to pay.",
    },
    "payments.error.not_due": {
        "ar": "لا توجد رسوم مستحقة على هذا الطلب الآن.",
        "en": "Nothing is due on this request now.",
    },
    "payments.error.already_paid": {
        "ar": "تم سداد رسوم هذا الطلب.",
        "en": "The fee for this request has been paid.",
    },
    "payments.error.unavailable": {
        "ar": "تعذر الاتصال بمزود الدفع. لم يُخصم أي مبلغ؛ حاول مرة أخرى بعد قليل.",
        "en": "We could not reach the payment provider. Nothing was taken; try again shortly.",
    },
    "payments.error.refused": {
        "ar": "رفض مزود الدفع إنشاء عملية الدفع. حاول مرة أخرى أو اختر طريقة أخرى.",
        "en": "The payment provider refused to start the payment. Try again or choose another way.",
    },
    "payments.error.fee": {
        "ar": "تعذر احتساب رسوم هذا الطلب. تواصل مع الجهة.",
        "en": "The fee of this request could not be worked out. Contact the agency.",
    },
    "payments.not_configured": {
        "ar": "الدفع الإلكتروني غير متاح حالياً.",
        "en": "Online payment is not available at the moment.",
    },
    # --- SADAD ------------------------------------------------------------------------
    "payments.bill_title": {"ar": "فاتورة سداد", "en": "SADAD bill"},
    "payments.bill_number": {"ar": "رقم الفاتورة", "en": "Bill number"},
    "payments.biller_code": {"ar": "رمز المفوتر", "en": "Biller code"},
    "payments.bill_expires": {"ar": "تنتهي صلاحيتها في", "en": "Pay before"},
    "payments.bill_how": {
        "ar": "ادفع الفاتورة من تطبيق مصرفك أو الصراف الآلي باختيار المفوتر بالرمز أعلاه ثم "
        "إدخال رقم الفاتورة. تتحدث حالة الطلب تلقائياً عند السداد.",
        "en": "Pay it from your bank's app or an ATM: choose the biller by the code above, "
        "then enter the bill number. The request is updated by itself once paid.",
    },
    "payments.bill_expired": {
        "ar": "انتهت صلاحية الفاتورة دون سداد.",
        "en": "The bill expired unpaid.",
    },
    "payments.reissue": {"ar": "إصدار فاتورة جديدة", "en": "Issue a new bill"},
    "payments.refresh": {"ar": "تحديث حالة الدفع", "en": "Check the payment again"},
    # --- states -----------------------------------------------------------------------
    "payments.state.created": {"ar": "بانتظار الدفع", "en": "Waiting for payment"},
    "payments.state.started": {"ar": "قيد الدفع", "en": "Being paid"},
    "payments.state.submitted": {"ar": "قيد التأكيد", "en": "Being confirmed"},
    "payments.state.submitted.sadad": {"ar": "بانتظار السداد", "en": "Waiting to be paid"},
    "payments.state.success": {"ar": "تم الدفع", "en": "Paid"},
    "payments.state.failed": {"ar": "مرفوضة", "en": "Declined"},
    "payments.state.cancelled": {"ar": "ألغيت", "en": "Cancelled"},
    "payments.state.expired": {"ar": "انتهت المهلة", "en": "Expired"},
    "payments.state.error": {"ar": "خطأ لدى مزود الدفع", "en": "Payment provider error"},
    "payments.outcome.success": {
        "ar": "تم استلام المبلغ. شكراً لك.",
        "en": "We have received the payment. Thank you.",
    },
    "payments.outcome.failed": {
        "ar": "لم تكتمل عملية الدفع ولم يُخصم أي مبلغ. يمكنك المحاولة مرة أخرى.",
        "en": "The payment did not go through and nothing was taken. You can try again.",
    },
    "payments.outcome.pending": {
        "ar": "لم يؤكد مزود الدفع العملية بعد. ستتحدث الصفحة عند التأكيد؛ لا تدفع مرة أخرى.",
        "en": "The provider has not confirmed the payment yet. This page updates once it "
        "does; do not pay again.",
    },
    # --- history, receipt -------------------------------------------------------------
    "payments.history": {"ar": "عمليات الدفع", "en": "Payments"},
    "payments.attempt": {"ar": "المحاولة", "en": "Attempt"},
    "payments.method": {"ar": "طريقة الدفع", "en": "Method"},
    "payments.amount": {"ar": "المبلغ", "en": "Amount"},
    "payments.state": {"ar": "الحالة", "en": "Status"},
    "payments.date": {"ar": "التاريخ", "en": "Date"},
    "payments.refunded": {"ar": "المبلغ المسترد", "en": "Refunded"},
    "payments.receipt": {"ar": "الإيصال", "en": "Receipt"},
    "payments.receipt_title": {"ar": "إيصال سداد", "en": "Payment receipt"},
    "payments.receipt_number": {"ar": "رقم الإيصال", "en": "Receipt number"},
    "payments.receipt_pdf": {"ar": "تحميل الإيصال (PDF)", "en": "Download the receipt (PDF)"},
    "payments.paid_at": {"ar": "تاريخ السداد", "en": "Paid on"},
    "payments.provider_ref": {"ar": "مرجع مزود الدفع", "en": "Provider reference"},
    "payments.request": {"ar": "الطلب", "en": "Request"},
    "payments.payer": {"ar": "مقدم الطلب", "en": "Applicant"},
    "payments.back_to_request": {"ar": "العودة إلى الطلب", "en": "Back to the request"},
    "payments.pay_now": {"ar": "ادفع الرسوم", "en": "Pay the fee"},
    "payments.none": {"ar": "لا توجد عمليات دفع بعد.", "en": "No payments yet."},
    # --- staff ------------------------------------------------------------------------
    "payments.staff_title": {"ar": "مدفوعات الطلب", "en": "Payments of the request"},
    "payments.refund_title": {"ar": "استرداد مبلغ", "en": "Refund"},
    "payments.refundable": {"ar": "المتاح للاسترداد", "en": "Refundable"},
    "payments.refund_amount": {
        "ar": "المبلغ المراد استرداده (ريال)",
        "en": "Amount to refund (SAR)",
    },
    "payments.refund_amount_hint": {
        "ar": "اكتب المبلغ بالريال، مثل 150 أو 150.50. اتركه كما هو لاسترداد المبلغ كاملاً.",
        "en": "In SAR, e.g. 150 or 150.50. Leave it as it is to refund in full.",
    },
    "payments.refund_reason": {"ar": "سبب الاسترداد", "en": "Reason for the refund"},
    "payments.refund_submit": {"ar": "استرداد", "en": "Refund"},
    "payments.refund_done": {"ar": "تم استرداد {amount}.", "en": "{amount} refunded."},
    "payments.refund_pending": {
        "ar": "أُرسل طلب الاسترداد ولم يؤكده مزود الدفع بعد؛ سيعاد المحاولة تلقائياً.",
        "en": "The refund was sent but the provider has not confirmed it yet; it is retried "
        "by itself.",
    },
    "payments.refund_no_permission": {
        "ar": "ليست لديك صلاحية الاسترداد.",
        "en": "You are not allowed to refund payments.",
    },
    "payments.refund_error.over": {
        "ar": "المبلغ أكبر من المتاح للاسترداد ({amount}).",
        "en": "That is more than can still be refunded ({amount}).",
    },
    "payments.refund_error.invalid": {
        "ar": "اكتب مبلغاً صحيحاً بالريال، مثل 150 أو 150.50.",
        "en": "Enter an amount in SAR, such as 150 or 150.50.",
    },
    "payments.refund_error.too_precise": {
        "ar": "المبلغ بخانتين عشريتين على الأكثر (هللات).",
        "en": "Use at most two decimals (halalas).",
    },
    "payments.refund_error.zero": {
        "ar": "المبلغ يجب أن يكون أكبر من صفر.",
        "en": "The amount must be above zero.",
    },
    "payments.refund_error.too_large": {
        "ar": "المبلغ أكبر من الحد الأعلى للمبالغ (1,000,000 ريال).",
        "en": "That is above the largest amount allowed (SAR 1,000,000).",
    },
    "payments.refund_error.reason": {
        "ar": "اكتب سبب الاسترداد.",
        "en": "Give the reason for the refund.",
    },
    "payments.refund_error.refused": {
        "ar": "رفض مزود الدفع الاسترداد: {detail}. لم يُسترد أي مبلغ.",
        "en": "The provider refused the refund: {detail}. Nothing was refunded.",
    },
    "payments.duplicate": {
        "ar": "دفعة مكررة لطلب مدفوع؛ تسترد تلقائياً.",
        "en": "A second payment for a paid request; it is refunded automatically.",
    },
    "payments.refunds": {"ar": "عمليات الاسترداد", "en": "Refunds"},
    "payments.refund_state.pending": {"ar": "قيد التنفيذ", "en": "Pending"},
    "payments.refund_state.success": {"ar": "تم", "en": "Done"},
    "payments.refund_state.failed": {"ar": "رُفض", "en": "Refused"},
    "payments.events": {"ar": "ما ورد من مزود الدفع", "en": "What the provider reported"},
    "payments.source.notification": {"ar": "إشعار", "en": "Notification"},
    "payments.source.return": {"ar": "عودة المستفيد", "en": "Payer's return"},
    "payments.source.poll": {"ar": "مطابقة دورية", "en": "Reconciliation"},
    "payments.source.create": {"ar": "إنشاء", "en": "Created"},
    # --- messages to the citizen (ar line, then en line) ------------------------------
    "payments.msg.received.subject": {
        "ar": "تم سداد رسوم الطلب رقم {reference}",
        "en": "Fee paid for request {reference}",
    },
    "payments.msg.received": {
        "ar": "تم استلام مبلغ {money} لطلبك رقم {reference} ({service_title}). "
        "رقم الإيصال: {receipt}.",
        "en": "We have received {money} for your request {reference} ({service_title}). "
        "Receipt number: {receipt}.",
    },
    "payments.msg.bill.subject": {
        "ar": "فاتورة سداد لطلبك رقم {reference}",
        "en": "SADAD bill for request {reference}",
    },
    "payments.msg.bill": {
        "ar": "فاتورة سداد لطلبك رقم {reference}: رقم الفاتورة {bill_number}، رمز المفوتر "
        "{biller_code}، المبلغ {money}، تسدد قبل {expires}.",
        "en": "SADAD bill for your request {reference}: bill number {bill_number}, biller code "
        "{biller_code}, amount {money}, pay before {expires}.",
    },
    "payments.msg.failed.subject": {
        "ar": "لم تكتمل عملية الدفع للطلب رقم {reference}",
        "en": "Payment not completed for request {reference}",
    },
    "payments.msg.failed": {
        "ar": "لم تكتمل عملية دفع رسوم طلبك رقم {reference} ولم يُخصم أي مبلغ. يمكنك المحاولة "
        "مرة أخرى من صفحة الطلب: {link}",
        "en": "The payment for your request {reference} did not go through and nothing was "
        "taken. You can try again from the request's page: {link}",
    },
    "payments.msg.bill_expired": {
        "ar": "انتهت صلاحية فاتورة سداد رقم {bill_number} لطلبك رقم {reference} دون سداد. "
        "يمكنك إصدار فاتورة جديدة من صفحة الطلب: {link}",
        "en": "SADAD bill {bill_number} for your request {reference} expired unpaid. You can "
        "issue a new one from the request's page: {link}",
    },
    "payments.msg.refunded.subject": {
        "ar": "استرداد مبلغ للطلب رقم {reference}",
        "en": "Refund for request {reference}",
    },
    "payments.msg.refunded": {
        "ar": "تمت إعادة مبلغ {money} إلى وسيلة الدفع المستخدمة لطلبك رقم {reference}.",
        "en": "{money} has been refunded to the payment method used for your request {reference}.",
    },
}
