"""`file`: references to files the web layer has already stored.

The engine never sees file contents. The web layer keeps the blob (checking its real type
by content) and posts a reference `{id, name, size, kind, sha256}` per file; this type
checks the references against the field's `accept`, `max_size_mb` and `max_files`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import join_words
from khidma.fields.base import key

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

FILE_KINDS = ("pdf", "jpeg", "png", "webp", "docx", "xlsx")
DEFAULT_ACCEPT = ("pdf", "jpeg", "png")
DEFAULT_MAX_FILES = 1
DEFAULT_MAX_SIZE_MB = 10
# What a browser's file chooser offers for each kind.
ACCEPT_ATTRIBUTE = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
    "webp": ".webp,image/webp",
    "docx": ".docx",
    "xlsx": ".xlsx",
}

FileRef = dict[str, Any]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MB = 1024 * 1024


def _reference(raw: Any) -> FileRef:
    if not isinstance(raw, Mapping):
        raise InvalidValue("file.invalid")
    file_id, name, size = raw.get("id"), raw.get("name"), raw.get("size")
    kind, sha256 = raw.get("kind"), raw.get("sha256")
    if (
        not isinstance(file_id, str)
        or not file_id
        or not isinstance(name, str)
        or not name.strip()
        or not isinstance(size, int)
        or isinstance(size, bool)
        or size < 0
        or not isinstance(kind, str)
        or not isinstance(sha256, str)
        or not _SHA256.match(sha256.lower())
    ):
        raise InvalidValue("file.invalid")
    return {
        "id": file_id,
        "name": name.strip(),
        "size": size,
        "kind": kind.lower(),
        "sha256": sha256.lower(),
    }


class File(FieldType):
    name = "file"
    summary = "One or more uploaded files, checked by content, type and size."
    prefillable = False
    value_shape = "files"
    keys: ClassVar[JSON] = {
        "accept": key(
            {
                "type": "array",
                "items": {"enum": list(FILE_KINDS)},
                "minItems": 1,
                "uniqueItems": True,
            },
            "The kinds of file accepted, checked by content (default: pdf, jpeg, png).",
        ),
        "max_size_mb": key(
            {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
            f"The largest file accepted, in MB (default {DEFAULT_MAX_SIZE_MB}).",
        ),
        "max_files": key(
            {"type": "integer", "minimum": 1, "maximum": 20},
            f"How many files may be uploaded (default {DEFAULT_MAX_FILES}).",
        ),
    }
    required_code = "file.required"
    summary_kind = "files"
    messages: ClassVar[dict[str, Words]] = {
        "file.required": ("أرفق {label}", "Upload {label}"),
        "file.invalid": (
            "تعذر قراءة الملف المرفق في {label}؛ أرفقه مرة أخرى",
            "The file for {label} could not be read; upload it again",
        ),
        "file.too_many": (
            "يمكنك إرفاق {max} ملفات على الأكثر في {label}",
            "Upload no more than {max} files for {label}",
        ),
        "file.too_large": (
            "يجب ألا يزيد حجم الملف {name} على {max} ميجابايت",
            "The file {name} must be smaller than {max} MB",
        ),
        "file.type": (
            "الملف {name} من نوع غير مقبول؛ الأنواع المقبولة: {accept}",
            "The file {name} must be a {accept}",
        ),
        "file.empty": ("الملف {name} فارغ؛ أرفق ملفاً آخر", "The file {name} is empty"),
    }
    example: ClassVar[Any] = [
        {"id": "f1", "name": "letter.pdf", "size": 2048, "kind": "pdf", "sha256": "0" * 64}
    ]
    web = Web(template="wizard/fields/file.html", posted="files", input_type="file")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> list[FileRef]:
        """A list of file references (a single reference counts as a list of one), each
        checked in turn: `file.invalid` (not a reference), `file.empty`, `file.type`,
        `file.too_large`; then `file.too_many`. Extra keys in a reference are dropped."""
        items = [raw] if isinstance(raw, Mapping) else raw
        if not isinstance(items, (list, tuple)):
            raise InvalidValue("file.invalid")
        files = [_reference(item) for item in items]
        accept = tuple(field.setting("accept") or FILE_KINDS)
        max_mb = field.setting("max_size_mb", DEFAULT_MAX_SIZE_MB)
        for ref in files:
            if ref["size"] == 0:
                raise InvalidValue("file.empty", name=ref["name"])
            if ref["kind"] not in accept:
                raise InvalidValue("file.type", name=ref["name"], accept=accept)
            if ref["size"] > max_mb * _MB:
                raise InvalidValue("file.too_large", name=ref["name"], max=max_mb)
        max_files = field.setting("max_files", DEFAULT_MAX_FILES)
        if len(files) > max_files:
            raise InvalidValue("file.too_many", max=max_files)
        return files

    @classmethod
    def message_params(cls, field: FieldSpec, params: dict[str, Any], lang: str) -> dict[str, Any]:
        """`{accept}` as words ("PDF, JPEG or PNG"): the kinds the error names, or — when
        the check that refused the file did not say (a content check) — the field's."""
        kinds = [str(kind).upper() for kind in params.get("accept") or cls.accepted(field)]
        joiner, last = ("، ", " أو ") if lang == "ar" else (", ", " or ")
        params["accept"] = (
            joiner.join(kinds[:-1]) + last + kinds[-1] if len(kinds) > 1 else kinds[0]
        )
        return params

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        if not isinstance(value, list):
            return str(value)
        return join_words([str(f.get("name", "")) for f in value if isinstance(f, Mapping)], lang)

    @classmethod
    def control_value(cls, value: Any) -> Any:
        return None  # a file input never shows a value; the stored files are listed

    @classmethod
    def accepted(cls, field: FieldSpec) -> tuple[str, ...]:
        """The kinds an upload may be (the web layer's check before storing)."""
        return tuple(field.setting("accept") or DEFAULT_ACCEPT)

    @classmethod
    def input_attributes(cls, field: FieldSpec) -> dict[str, Any]:
        attrs = super().input_attributes(field)
        attrs["accept"] = ",".join(ACCEPT_ATTRIBUTE[k] for k in cls.accepted(field))
        if field.setting("max_files", DEFAULT_MAX_FILES) > 1:
            attrs["multiple"] = "multiple"
        return attrs
