"""The booking feature's words, Arabic and English: every refusal of the engine (by its
stable code) and the picker's, the appointment's and the ticket's labels."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # --- refusals: one per stable code (`khidma.booking.rules.Refusal`) ----------------
    "booking.invalid": (
        "اختر موعداً من الأوقات المعروضة",
        "Choose an appointment from the times shown",
    ),
    "booking.weekend": (
        "لا تتوفر مواعيد يومي الجمعة والسبت؛ اختر يوماً آخر",
        "There are no appointments on Friday or Saturday; choose another day",
    ),
    "booking.closed_date": (
        "الجهة مغلقة في هذا اليوم لإجازة رسمية؛ اختر يوماً آخر",
        "The office is closed that day for an official holiday; choose another day",
    ),
    "booking.outside_schedule": (
        "هذا الوقت خارج ساعات العمل؛ اختر وقتاً من الأوقات المعروضة",
        "That time is outside the opening hours; choose one of the times shown",
    ),
    "booking.off_grid": (
        "تبدأ المواعيد كل {minutes} دقيقة؛ اختر وقتاً من الأوقات المعروضة",
        "Appointments start every {minutes} minutes; choose one of the times shown",
    ),
    "booking.past": (
        "هذا الموعد قد مضى؛ اختر موعداً قادماً",
        "That appointment time has passed; choose a later one",
    ),
    "booking.too_soon": (
        "أقرب يوم يمكن الحجز فيه هو {first}",
        "The earliest day you can book is {first}",
    ),
    "booking.too_far": (
        "آخر يوم يمكن الحجز فيه هو {last}؛ اختر يوماً أقرب",
        "The last day you can book is {last}; choose an earlier day",
    ),
    "booking.full": (
        "اكتمل هذا الموعد للتو؛ اختر أحد المواعيد المتاحة الأقرب",
        "That appointment has just been taken; choose one of the nearest free ones",
    ),
    "booking.person_limit": (
        "لديك {limit} مواعيد قائمة وهو الحد الأعلى؛ ألغِ موعداً أو احضره قبل حجز موعد جديد",
        "You already have {limit} upcoming appointments, the most allowed; cancel or attend"
        " one before booking another",
    ),
    "booking.hold_expired": (
        "انتهت مدة حجز الموعد المؤقت؛ اختر الموعد مرة أخرى",
        "The appointment was held for you for a limited time only; choose it again",
    ),
    "booking.cancel_not_allowed": (
        "لا يمكن إلغاء مواعيد هذه الخدمة إلكترونياً",
        "Appointments for this service cannot be cancelled online",
    ),
    "booking.cancel_deadline": (
        "لا يمكن إلغاء الموعد قبل أقل من {hours} ساعة من موعده",
        "An appointment cannot be cancelled less than {hours} hours before it starts",
    ),
    "booking.move_not_allowed": (
        "لا يمكن تعديل مواعيد هذه الخدمة؛ ألغِ الموعد واحجز موعداً جديداً",
        "Appointments for this service cannot be changed; cancel and book a new one",
    ),
    "booking.not_active": (
        "هذا الموعد ملغى أو منتهٍ",
        "That appointment is cancelled or over",
    ),
    # --- the picker ---------------------------------------------------------------
    "booking.choose_day": ("اختر اليوم", "Choose a day"),
    "booking.times_on": ("الأوقات المتاحة يوم {day}", "Free times on {day}"),
    "booking.places_left": ("{count} متاح", "{count} free"),
    "booking.no_free": (
        "لا توجد مواعيد متاحة حالياً؛ جرّب لاحقاً أو اختر مركزاً آخر",
        "There are no free appointments at the moment; try later or choose another place",
    ),
    "booking.held": (
        "حُجز لك هذا الموعد مؤقتاً لمدة {minutes} دقائق؛ أكمل الطلب لتأكيده",
        "This appointment is held for you for {minutes} minutes; finish the request to confirm it",
    ),
    "booking.weekday.sat": ("السبت", "Saturday"),
    "booking.weekday.sun": ("الأحد", "Sunday"),
    "booking.weekday.mon": ("الإثنين", "Monday"),
    "booking.weekday.tue": ("الثلاثاء", "Tuesday"),
    "booking.weekday.wed": ("الأربعاء", "Wednesday"),
    "booking.weekday.thu": ("الخميس", "Thursday"),
    "booking.weekday.fri": ("الجمعة", "Friday"),
    # --- my appointments --------------------------------------------------------------
    "booking.my_appointments": ("مواعيدي", "My appointments"),
    "booking.upcoming": ("المواعيد القادمة", "Upcoming appointments"),
    "booking.earlier": ("المواعيد السابقة والملغاة", "Past and cancelled appointments"),
    "booking.none_upcoming": ("لا توجد لديك مواعيد قادمة", "You have no upcoming appointments"),
    "booking.appointment": ("الموعد", "Appointment"),
    "booking.place": ("المكان", "Place"),
    "booking.day": ("اليوم", "Day"),
    "booking.time": ("الوقت", "Time"),
    "booking.state": ("حالة الموعد", "Appointment status"),
    "booking.state.active": ("محجوز", "Booked"),
    "booking.state.cancelled": ("ملغى", "Cancelled"),
    "booking.state.moved": ("تم تعديله", "Changed"),
    "booking.state.attended": ("تم الحضور", "Attended"),
    "booking.state.no_show": ("لم يتم الحضور", "Did not attend"),
    "booking.view": ("عرض الموعد", "View the appointment"),
    "booking.cancel": ("الغاء", "Cancel"),
    "booking.cancel_title": ("تأكيد إلغاء الموعد", "Confirm cancelling the appointment"),
    "booking.cancel_question": ("هل تريد إلغاء الموعد؟", "Do you want to cancel the appointment?"),
    "booking.yes": ("نعم", "Yes"),
    "booking.keep": ("لا، الإبقاء على الموعد", "No, keep the appointment"),
    "booking.cancelled": (
        "تم إلغاء الموعد وستصلك رسالة بذلك",
        "The appointment is cancelled; an SMS confirms it",
    ),
    "booking.move": ("تعديل الموعد", "Change the appointment"),
    "booking.move_intro": (
        "اختر اليوم والوقت الجديدين؛ يبقى موعدك الحالي محجوزاً حتى يتم حجز الموعد الجديد",
        "Choose the new day and time; your current appointment stays booked until the new one is",
    ),
    "booking.move_confirm": ("حجز الموعد الجديد", "Book the new time"),
    "booking.moved": ("تم تعديل الموعد", "The appointment has been changed"),
    "booking.ticket": ("تذكرة الموعد", "Appointment ticket"),
    "booking.ticket_pdf": ("تحميل التذكرة (PDF)", "Download the ticket (PDF)"),
    "booking.print": ("طباعة التذكرة", "Print the ticket"),
    "booking.documents_to_bring": ("المستندات المطلوب إحضارها", "Documents to bring"),
    "booking.instructions": ("التعليمات", "Instructions"),
    "booking.qr": ("رمز الاستجابة السريعة لرقم الموعد", "QR code of the appointment number"),
    # --- the agency's side -----------------------------------------------------------
    "booking.staff.title": ("حجوزات اليوم", "The day's bookings"),
    "booking.staff.show": ("عرض الحجوزات", "Show the bookings"),
    "booking.staff.none": ("لا توجد حجوزات في هذا اليوم", "There are no bookings that day"),
    "booking.staff.attended": ("حضر", "Attended"),
    "booking.staff.no_show": ("لم يحضر", "Did not come"),
    "booking.staff.close_day": (
        "إغلاق اليوم وإلغاء حجوزاته",
        "Close the day and cancel its bookings",
    ),
    "booking.staff.close_warning": (
        "يُلغى كل حجز قائم في هذا اليوم ويُبلَّغ أصحابه برسالة نصية",
        "Every booking that day is cancelled and its citizen told by SMS",
    ),
    "booking.staff.closed": (
        "أُغلق اليوم وأُلغي {count} من الحجوزات",
        "The day is closed; {count} bookings were cancelled",
    ),
    # --- other appointments (referrals) ------------------------------------------------
    "booking.referrals": (
        "مواعيدك في المستشفيات المحال إليها",
        "Your appointments at hospitals you were referred to",
    ),
    "booking.referral_number": ("رقم الإحالة", "Referral number"),
}
