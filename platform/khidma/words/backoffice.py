"""The back office: the agency's queue, a request's page for staff, the citizen's reply
(web/backoffice.py, web/account.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "backoffice.title": ("طلبات الجهة", "The agency's requests"),
    "backoffice.queue_intro": (
        "الطلبات المقدمة لخدمات {agency}. اختر طلباً لاستلامه ومعالجته.",
        "Requests made to the services of {agency}. Open a request to take it and process it.",
    ),
    "backoffice.filters": ("تصفية الطلبات", "Filter the requests"),
    "backoffice.all": ("الكل", "All"),
    "backoffice.waiting": ("بانتظار", "Waiting for"),
    "backoffice.waiting_staff": ("بانتظار الموظف", "Waiting for staff"),
    "backoffice.waiting_citizen": ("بانتظار رد المستفيد", "Waiting for the applicant"),
    "backoffice.overdue_only": ("المتأخرة فقط", "Overdue only"),
    "backoffice.holder": ("المسؤول عن الطلب", "Handled by"),
    "backoffice.mine": ("المسندة إليّ", "Assigned to me"),
    "backoffice.unassigned": ("غير المسندة", "Unassigned"),
    "backoffice.search": (
        "بحث برقم الطلب أو الاسم أو رقم الهوية",
        "Search by reference, name or ID",
    ),
    "backoffice.sort": ("الترتيب", "Sort by"),
    "backoffice.sort_oldest": ("الأقدم أولاً", "Oldest first"),
    "backoffice.sort_newest": ("الأحدث أولاً", "Newest first"),
    "backoffice.sort_due": ("الأقرب استحقاقاً", "Due soonest"),
    "backoffice.apply": ("عرض النتائج", "Show results"),
    "backoffice.counts": ("عدد الطلبات حسب الحالة", "Requests per status"),
    "backoffice.counts_too_many": (
        "يطابق هذا البحث أكثر من {n} طلب، فلا تُعدّ حسب الحالة؛ ضيّق البحث لعرض الأعداد.",
        "More than {n} requests match, too many to count per status; narrow the filter"
        " to see the counts.",
    ),
    "backoffice.no_results": ("لا توجد طلبات تطابق التصفية.", "No request matches the filter."),
    "backoffice.applicant": ("اسم مقدم الطلب", "Applicant's name"),
    "backoffice.due": ("تاريخ الاستحقاق", "Due on"),
    "backoffice.overdue": ("متأخر", "Overdue"),
    "backoffice.paused": ("متوقف بانتظار المستفيد", "Paused: waiting for the applicant"),
    "backoffice.nobody": ("لم يُسند", "Not assigned"),
    "backoffice.next_page": ("الصفحة التالية", "Next page"),
    "backoffice.first_page": ("العودة إلى الصفحة الأولى", "Back to the first page"),
    "backoffice.results": ("الطلبات", "Requests"),
    "backoffice.open": ("فتح الطلب {reference}", "Open request {reference}"),
    # one request
    "backoffice.assignment": ("الإسناد", "Assignment"),
    "backoffice.held_by_you": ("الطلب مسند إليك.", "You are handling this request."),
    "backoffice.held_by": ("الطلب مسند إلى {name}.", "{name} is handling this request."),
    "backoffice.held_by_none": (
        "الطلب غير مسند إلى أحد. استلمه لتتمكن من معالجته.",
        "No one is handling this request. Take it to process it.",
    ),
    "backoffice.claim": ("استلام الطلب", "Take the request"),
    "backoffice.release": ("إعادة الطلب إلى القائمة", "Give the request back"),
    "backoffice.assign_to": ("إسناد الطلب إلى", "Assign the request to"),
    "backoffice.assign": ("إسناد", "Assign"),
    "backoffice.claimed": ("تم استلام الطلب.", "You have taken the request."),
    "backoffice.released": ("تمت إعادة الطلب إلى القائمة.", "The request is back in the queue."),
    "backoffice.assigned": ("تم إسناد الطلب.", "The request was assigned."),
    "backoffice.actions": ("الإجراءات المتاحة", "What you can do"),
    "backoffice.no_actions": (
        "لا توجد إجراءات متاحة لك على الطلب في حالته الحالية.",
        "There is nothing you can do with the request in its current status.",
    ),
    "backoffice.note": ("الملاحظة", "Note"),
    "backoffice.note_hint": (
        "تظهر الملاحظة للمستفيد في سجل الطلب.",
        "The applicant sees the note in the request's history.",
    ),
    "backoffice.note_optional": ("(اختياري)", "(optional)"),
    "backoffice.moved": ("تم تحديث حالة الطلب إلى: {status}.", "The request is now: {status}."),
    "backoffice.write_message": ("مراسلة المستفيد", "Write to the applicant"),
    "backoffice.message_body": ("نص الرسالة", "Message"),
    "backoffice.documents": ("الوثائق المطلوبة", "Documents asked for"),
    "backoffice.documents_hint": (
        "وثيقة في كل سطر. يُطلب من المستفيد رفع كل وثيقة منها مع رده.",
        "One document a line. The applicant is asked to upload each with the reply.",
    ),
    "backoffice.ask_reply": (
        "انتظار رد المستفيد (يتوقف احتساب مدة الإنجاز حتى يرد)",
        "Wait for the applicant's reply (the time to decide stops until they answer)",
    ),
    "backoffice.send": ("إرسال الرسالة", "Send the message"),
    "backoffice.sent": ("تم إرسال الرسالة إلى المستفيد.", "The message was sent to the applicant."),
    "backoffice.from_staff": ("من الموظف", "From staff"),
    "backoffice.from_applicant": ("من المستفيد", "From the applicant"),
    "backoffice.files_of_message": ("المرفقات", "Files"),
    "backoffice.by_system": ("النظام", "The system"),
    "backoffice.payments_link": ("المدفوعات", "Payments"),
    # refusals
    "backoffice.error.changed": (
        "تم تحديث الطلب للتو من قبل موظف آخر. راجع حالته الحالية ثم أعد المحاولة.",
        "The request has just changed: someone else acted on it. Check it and try again.",
    ),
    "backoffice.error.not_holder": (
        "لا يمكنك تنفيذ إجراء على طلب غير مسند إليك. استلم الطلب أولاً.",
        "You can act only on a request you are handling. Take the request first.",
    ),
    "backoffice.error.held": (
        "الطلب مسند إلى {name}. لا يعيد إسناده إلا المشرف.",
        "{name} is handling the request. Only a supervisor may reassign it.",
    ),
    "backoffice.error.not_allowed": (
        "هذا الإجراء غير متاح للطلب في حالته الحالية.",
        "This action is not available for the request in its current status.",
    ),
    "backoffice.error.note_required": (
        "اكتب ملاحظة توضح سبب الإجراء.",
        "Write a note that explains the action.",
    ),
    "backoffice.error.body": ("اكتب نص الرسالة.", "Write the message."),
    "backoffice.error.too_long": (
        "النص أطول من {max} حرف.",
        "The text is longer than {max} characters.",
    ),
    "backoffice.error.assignee": (
        "اختر موظفاً من موظفي الجهة.",
        "Choose a member of the agency's staff.",
    ),
    "backoffice.error.supervisor": (
        "إعادة الإسناد متاحة للمشرف فقط.",
        "Only a supervisor may reassign a request.",
    ),
    # the citizen's side
    "reply.title": ("الرد على الجهة", "Reply to the agency"),
    "reply.body": ("ردك", "Your reply"),
    "reply.requested": ("الوثائق المطلوبة منك", "Documents asked of you"),
    "reply.file_hint": (
        "ملف PDF أو صورة (JPEG أو PNG).",
        "A PDF file or an image (JPEG or PNG).",
    ),
    "reply.send": ("إرسال الرد", "Send the reply"),
    "reply.sent": ("تم إرسال ردك إلى الجهة.", "Your reply was sent to the agency."),
    "reply.error.body": (
        "اكتب ردك أو أرفق الوثائق المطلوبة.",
        "Write your reply or attach the documents asked for.",
    ),
    "reply.error.missing": ("أرفق {document}.", "Attach {document}."),
    "reply.error.type": (
        "الملف {name} ليس ملف PDF أو صورة JPEG أو PNG.",
        "The file {name} is not a PDF, a JPEG or a PNG.",
    ),
    "reply.error.empty": ("الملف {name} فارغ.", "The file {name} is empty."),
    "reply.error.size": (
        "حجم الملف {name} أكبر من {max} ميجابايت.",
        "The file {name} is larger than {max} MB.",
    ),
    "reply.closed": (
        "لا يمكن الرد على هذا الطلب في حالته الحالية.",
        "This request cannot be answered in its current status.",
    ),
    "reply.expected": ("التاريخ المتوقع للإنجاز", "Expected by"),
    "reply.withdraw": ("إلغاء الطلب", "Withdraw the request"),
    "reply.withdraw_hint": (
        "لا يمكن التراجع عن إلغاء الطلب بعد تأكيده.",
        "A withdrawn request cannot be taken up again.",
    ),
    "reply.withdraw_confirm": (
        "أؤكد رغبتي في إلغاء هذا الطلب",
        "I confirm I want to withdraw this request",
    ),
    "reply.error.confirm": (
        "أكّد رغبتك في إلغاء الطلب بتحديد مربع التأكيد.",
        "Tick the box to confirm you want to withdraw the request.",
    ),
    "reply.withdrawn": ("تم إلغاء الطلب.", "The request was withdrawn."),
}
