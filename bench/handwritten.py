"""The baseline for `bench_wizard.py`: the page a team would write by hand without Khidma.

The emirate_visit applicant step as one Flask view with a Flask-WTF form class: the same
fields, validators and labels, the same layout (the page skeleton Khidma renders, with
its stylesheet), CSRF on, a signed session cookie, one database read on GET (the draft's
answers) and a read plus a write on a valid POST. It is deliberately plain — what a
competent team ships, not a tuned micro-benchmark.

Run by `bench_wizard.py` under gunicorn: `gunicorn 'bench.handwritten:create()'`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

from flask import Flask
from flask import redirect
from flask import request
from flask import session
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

GOVERNORATES = [
    ("", "اختر"),
    ("najran", "نجران"),
    ("sharurah", "شرورة"),
    ("hubuna", "حبونا"),
    ("badr_al_janub", "بدر الجنوب"),
    ("yadamah", "يدمة"),
    ("thar", "ثار"),
    ("khubash", "خباش"),
    ("al_kharkhir", "الخرخير"),
]


class ApplicantForm(FlaskForm):
    applicant_type = RadioField(
        "النوع",
        choices=[
            ("public_sector", "قطاع عام"),
            ("private_sector", "قطاع خاص"),
            ("individual", "فرد"),
        ],
        validators=[DataRequired("يرجى اختيار النوع.")],
    )
    organisation_name = StringField("اسم الجهة", validators=[Optional(), Length(max=200)])
    full_name = StringField(
        "الإسم الرباعي",
        validators=[
            DataRequired("يرجى إدخال الإسم الرباعي."),
            Length(max=200),
            Regexp(r"^\S+(\s+\S+){3,}$", message="يرجى إدخال الاسم الرباعي."),
        ],
    )
    national_id = StringField("رقم الهوية", render_kw={"readonly": True})
    mobile = StringField(
        "رقم الجوال",
        validators=[
            DataRequired("يرجى إدخال رقم الجوال."),
            Regexp(r"^(\+9665|009665|9665|05)\d{8}$", message="رقم جوال غير صحيح."),
        ],
    )
    email = EmailField(
        "البريد الإلكتروني",
        validators=[
            DataRequired("يرجى إدخال البريد الإلكتروني."),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="بريد إلكتروني غير صحيح."),
        ],
    )
    governorate = SelectField("المحافظة", choices=GOVERNORATES, validators=[Optional()])


PAGE = """<!doctype html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>بيانات مقدم الطلب — طلب موعد مع الامارة</title>
  <link rel="stylesheet" href="/static/css/khidma.css">
</head>
<body>
  <a class="skip-link" href="#main">تخطي إلى المحتوى</a>
  <header class="site-header"><div class="container">
    <a class="brand" href="/">خدمة</a>
    <nav aria-label="القائمة الرئيسية"><ul>
      <li><a href="/">الخدمات</a></li><li><a href="/inquiry">الاستعلام عن معاملة</a></li>
      <li><a href="/account">حسابي</a></li></ul></nav>
  </div></header>
  <main id="main" class="container">
    <h1>طلب موعد مع الامارة</h1>
    <ol class="progress"><li aria-current="step">1. بيانات مقدم الطلب</li><li>2. بيانات الموعد</li>
      <li>3. المرفقات</li><li>4. المرافقون</li><li>5. مراجعة الطلب</li></ol>
    {% if form.errors %}<div class="error-summary" role="alert" tabindex="-1"><h2>يوجد خطأ</h2><ul>
      {% for name, errors in form.errors.items() %}
      <li><a href="#{{ name }}">{{ errors[0] }}</a></li>{% endfor %}
    </ul></div>{% endif %}
    <form method="post" novalidate>
      {{ form.csrf_token }}
      {% for field in form if field.name != "csrf_token" %}
      <div class="field{% if field.errors %} field-error{% endif %}">
        {% if field.type == "RadioField" %}
        <fieldset><legend>{{ field.label.text }}</legend>{% for option in field %}
          <div class="choice">{{ option() }} {{ option.label() }}</div>{% endfor %}</fieldset>
        {% else %}
        {{ field.label() }}
        {% if field.errors %}
        <p class="error-message" id="{{ field.id }}-error">{{ field.errors[0] }}</p>{% endif %}
        {{ field(**{"aria-describedby": field.id ~ "-error"} if field.errors else {}) }}
        {% endif %}
      </div>
      {% endfor %}
      <div class="actions"><button type="submit" class="button">التالي</button></div>
    </form>
  </main>
  <footer class="site-footer"><div class="container">خدمة · جميع الحقوق محفوظة</div></footer>
</body>
</html>"""


def create() -> Flask:
    app = Flask(__name__, static_folder=os.environ["BASELINE_STATIC"], static_url_path="/static")
    app.config.update(SECRET_KEY=os.environ["BASELINE_SECRET"], WTF_CSRF_TIME_LIMIT=None)
    CSRFProtect(app)
    # Compiled once, as `render_template` does for a file (`render_template_string` would
    # compile the page again on every request, which no team ships).
    page = app.jinja_env.from_string(PAGE)
    path = os.environ["BASELINE_DB"]
    local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(path, isolation_level=None)
            local.db.execute("PRAGMA journal_mode=WAL")
            local.db.execute("PRAGMA busy_timeout=30000")
        return local.db  # type: ignore[no-any-return]

    db().execute("CREATE TABLE IF NOT EXISTS drafts (token TEXT PRIMARY KEY, answers TEXT)")
    db().execute(
        "INSERT OR IGNORE INTO drafts VALUES ('bench', ?)",
        (json.dumps({"national_id": "1000000008", "full_name": "سالم أحمد محمد الحربي"}),),
    )

    @app.route("/drafts/<token>/applicant", methods=["GET", "POST"])
    def applicant(token: str) -> Any:
        session.setdefault("user", "citizen")
        row = db().execute("SELECT answers FROM drafts WHERE token = ?", (token,)).fetchone()
        answers = json.loads(row[0])
        form = ApplicantForm(data=answers)
        if request.method == "POST" and form.validate_on_submit():
            answers.update({k: v for k, v in form.data.items() if k != "csrf_token"})
            db().execute(
                "UPDATE drafts SET answers = ? WHERE token = ?",
                (json.dumps(answers, ensure_ascii=False), token),
            )
            return redirect(f"/drafts/{token}/appointment", code=303)
        context: dict[str, Any] = {"form": form}
        app.update_template_context(context)
        return page.render(context)

    return app
