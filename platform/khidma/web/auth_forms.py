"""The forms of the account pages (Flask-WTF: each carries its CSRF token).

Validators give messages in the page's language; checks that need the database (a taken
username, a wrong password) are added by the views with `Problem`s. Passwords are never
sent back to the browser; everything else typed is shown again beside its error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import Field
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import ValidationError

from khidma.engine.identifiers import IdentifierError
from khidma.engine.identifiers import clean_national_id
from khidma.engine.identifiers import national_id_problem
from khidma.engine.identifiers import normalise_saudi_mobile
from khidma.engine.messages import message
from khidma.identity.accounts import clean_email
from khidma.identity.accounts import normalise_username
from khidma.identity.accounts import username_problem
from khidma.identity.codes import clean_code
from khidma.identity.passwords import MAX_LENGTH
from khidma.identity.passwords import password_problem
from khidma.web.i18n import current_lang
from khidma.web.i18n import t

LTR_DIGITS: dict[str, Any] = {"dir": "ltr", "inputmode": "numeric", "spellcheck": "false"}


@dataclass(frozen=True)
class Problem:
    """An error about the whole form (or about `target`, a field id the summary links to)."""

    text: str
    target: str | None = None


class Base(FlaskForm):  # type: ignore[misc]  # flask_wtf ships no types
    class Meta:
        locales = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[Problem] = []
        # Normalised values by field name; the fields keep what was typed, to show it back.
        self.cleaned: dict[str, Any] = {}

    def fail(self, field: Field, text: str) -> None:
        """Mark `field` wrong with `text` (after validation, e.g. a database check)."""
        field.errors = [*field.errors, text]

    def problem(self, text: str, target: Field | None = None) -> None:
        self.problems.append(Problem(text, target.id if target is not None else None))

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or any(f.errors for f in self)

    ORDER: tuple[str, ...] = ()

    def summary(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order of the page."""
        fields = [self[name] for name in self.ORDER] if self.ORDER else list(self)
        first = next((f.id for f in fields if f.type not in ("CSRFTokenField", "HiddenField")), "")
        items = [(p.target or first, p.text) for p in self.problems]
        items += [
            (f.id, str(f.errors[0])) for f in fields if f.errors and f.type != "CSRFTokenField"
        ]
        return items


# The words of each field's label, for messages that name the field ("Enter your…").
LABELS = {
    "identifier": "auth.identifier",
    "password": "auth.password",
    "password2": "auth.password2",
    "national_id": "auth.national_id",
    "mobile": "auth.mobile",
    "code": "auth.code",
    "first_name_ar": "auth.first_name_ar",
    "father_name_ar": "auth.father_name_ar",
    "grandfather_name_ar": "auth.grandfather_name_ar",
    "family_name_ar": "auth.family_name_ar",
    "name_en": "auth.name_en",
    "email": "auth.email",
    "username": "auth.username",
}


def _label_params(key: str) -> dict[str, str]:
    """The field's label as written, for the messages that name it (defect 4: a label
    lower-cased by rule reads wrongly, "Select you are applying as")."""
    return {"label": t(key)}


def _required(field: Field) -> str:
    value = field.data
    if value is None or (isinstance(value, str) and not value.strip()):
        key = LABELS.get(field.name)
        if key is None:
            raise ValidationError(t("auth.error.required"))
        raise ValidationError(message("required", current_lang(), _label_params(key)))
    return str(value)


def _engine_message(code: str, label_key: str) -> str:
    return message(code, current_lang(), _label_params(label_key))


class NationalIdMixin:
    cleaned: dict[str, Any]
    national_id = StringField(render_kw={"autocomplete": "off", "maxlength": 14, **LTR_DIGITS})

    def validate_national_id(self, field: Field) -> None:
        text = _required(field)
        code = national_id_problem(text)
        if code is not None:
            raise ValidationError(_engine_message(code, "auth.national_id"))
        self.cleaned[field.name] = clean_national_id(text)


class SignInForm(Base):
    identifier = StringField(
        render_kw={
            "autocomplete": "username",
            "dir": "ltr",
            "spellcheck": "false",
            "autocapitalize": "none",
            "maxlength": 64,
        }
    )
    password = PasswordField(render_kw={"autocomplete": "current-password", "dir": "ltr"})
    next = HiddenField()

    def validate_identifier(self, field: Field) -> None:
        _required(field)

    def validate_password(self, field: Field) -> None:
        _required(field)


class SignUpForm(NationalIdMixin, Base):
    mobile = StringField(
        render_kw={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr", "maxlength": 20}
    )

    def validate_mobile(self, field: Field) -> None:
        text = _required(field)
        try:
            self.cleaned[field.name] = normalise_saudi_mobile(text)
        except IdentifierError as error:
            raise ValidationError(_engine_message(error.code, "auth.mobile")) from None


class CodeForm(Base):
    code = StringField(
        render_kw={"autocomplete": "one-time-code", "maxlength": 8, "size": 8, **LTR_DIGITS}
    )

    def validate_code(self, field: Field) -> None:
        text = _required(field)
        digits = clean_code(text)
        if digits is None:
            raise ValidationError(t("auth.error.code_format"))
        self.cleaned[field.name] = digits


class PasswordsMixin:
    cleaned: dict[str, Any]
    password = PasswordField(
        render_kw={"autocomplete": "new-password", "dir": "ltr", "maxlength": MAX_LENGTH}
    )
    password2 = PasswordField(
        render_kw={"autocomplete": "new-password", "dir": "ltr", "maxlength": MAX_LENGTH}
    )

    def personal(self) -> dict[str, str | None]:
        return {}

    def validate_password(self, field: Field) -> None:
        text = _required(field)
        code = password_problem(text, **self.personal())
        if code is not None:
            raise ValidationError(t(f"auth.error.{code}"))

    def validate_password2(self, field: Field) -> None:
        _required(field)
        if field.data != self.password.data:
            raise ValidationError(t("auth.error.password_mismatch"))


class DetailsForm(PasswordsMixin, Base):
    first_name_ar = StringField(render_kw={"autocomplete": "given-name", "maxlength": 50})
    father_name_ar = StringField(render_kw={"autocomplete": "additional-name", "maxlength": 50})
    grandfather_name_ar = StringField(render_kw={"maxlength": 50})
    family_name_ar = StringField(render_kw={"autocomplete": "family-name", "maxlength": 50})
    name_en = StringField(
        render_kw={"autocomplete": "name", "dir": "ltr", "maxlength": 200, "lang": "en"}
    )
    email = EmailField(
        render_kw={"autocomplete": "email", "dir": "ltr", "maxlength": 254, "spellcheck": "false"}
    )
    username = StringField(
        render_kw={
            "autocomplete": "username",
            "dir": "ltr",
            "maxlength": 32,
            "spellcheck": "false",
            "autocapitalize": "none",
        }
    )

    national_id_value: str | None = None
    ORDER = (
        "first_name_ar",
        "father_name_ar",
        "grandfather_name_ar",
        "family_name_ar",
        "name_en",
        "email",
        "username",
        "password",
        "password2",
    )

    def personal(self) -> dict[str, str | None]:
        return {
            "username": normalise_username(self.username.data or ""),
            "national_id": self.national_id_value,
        }

    def validate_first_name_ar(self, field: Field) -> None:
        self.cleaned[field.name] = _arabic_name(field)

    def validate_father_name_ar(self, field: Field) -> None:
        self.cleaned[field.name] = _arabic_name(field)

    def validate_grandfather_name_ar(self, field: Field) -> None:
        self.cleaned[field.name] = _arabic_name(field)

    def validate_family_name_ar(self, field: Field) -> None:
        self.cleaned[field.name] = _arabic_name(field)

    def validate_name_en(self, field: Field) -> None:
        text = _required(field)
        if any("\u0600" <= c <= "\u06ff" for c in text):
            raise ValidationError(t("auth.error.name_en_latin"))
        self.cleaned[field.name] = " ".join(text.split())

    def validate_email(self, field: Field) -> None:
        cleaned = clean_email(_required(field))
        if cleaned is None:
            raise ValidationError(_engine_message("email.invalid", "auth.email"))
        self.cleaned[field.name] = cleaned

    def validate_username(self, field: Field) -> None:
        text = _required(field)
        if username_problem(text):
            raise ValidationError(t("auth.error.username_invalid"))
        self.cleaned[field.name] = normalise_username(text)

    def name_ar(self) -> str:
        parts = ("first_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar")
        return " ".join(str(self.cleaned.get(p, "")) for p in parts)


def _arabic_name(field: Field) -> str:
    text = " ".join(_required(field).split())
    letters = [c for c in text if c.isalpha()]
    if not letters or not all("\u0600" <= c <= "\u06ff" for c in letters):
        raise ValidationError(t("auth.error.name_ar_arabic"))
    return text


class ResetForm(NationalIdMixin, Base):
    ORDER = ("username", "national_id")
    username = StringField(
        render_kw={
            "autocomplete": "username",
            "dir": "ltr",
            "maxlength": 64,
            "spellcheck": "false",
            "autocapitalize": "none",
        }
    )

    def validate_username(self, field: Field) -> None:
        _required(field)


class NewPasswordForm(PasswordsMixin, Base):
    username_value: str | None = None
    national_id_value: str | None = None
    ORDER = ("password", "password2")

    def personal(self) -> dict[str, str | None]:
        return {"username": self.username_value, "national_id": self.national_id_value}


class ActionForm(Base):
    """A button that posts (sign out, send a new code, choose a persona): CSRF only."""
