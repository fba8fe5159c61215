"""Storage: SQLAlchemy models, migrations, reference numbers, blobs and the outbox.

No web framework here. The web layer builds one `Database` (e.g. `Database.from_env(
app.instance_path)`), calls `upgrade()` at start-up and opens `database.session()` per
unit of work.
"""

# The payment and trust tables live in a module of their own; importing it puts them on
# Base.metadata, which the migrations test compares with the schema. Importing `audit`
# makes status changes and payment events append to the chained audit log; `counts`
# keeps the requests per status (its table and its session hook).
from khidma.storage import audit as _audit  # noqa: F401
from khidma.storage import booking_models as _booking_models  # noqa: F401
from khidma.storage import counts as _counts  # noqa: F401
from khidma.storage import payment_models as _payment_models  # noqa: F401
from khidma.storage import trust_models as _trust_models  # noqa: F401
from khidma.storage.blobs import BlobCorrupted
from khidma.storage.blobs import BlobNotFound
from khidma.storage.blobs import BlobStore
from khidma.storage.blobs import LocalBlobStore
from khidma.storage.blobs import MemoryBlobStore
from khidma.storage.db import Database
from khidma.storage.models import Attachment
from khidma.storage.models import AuditLog
from khidma.storage.models import Base
from khidma.storage.models import Channel
from khidma.storage.models import CodePurpose
from khidma.storage.models import DefinitionVersion
from khidma.storage.models import Draft
from khidma.storage.models import Message
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Rating
from khidma.storage.models import ReferenceCounter
from khidma.storage.models import Role
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.models import UserSource
from khidma.storage.models import VerificationCode
from khidma.storage.types import new_token
from khidma.storage.types import utcnow

__all__ = [
    "Attachment",
    "AuditLog",
    "Base",
    "BlobCorrupted",
    "BlobNotFound",
    "BlobStore",
    "Channel",
    "CodePurpose",
    "Database",
    "DefinitionVersion",
    "Draft",
    "LocalBlobStore",
    "MemoryBlobStore",
    "Message",
    "OutboxMessage",
    "Rating",
    "ReferenceCounter",
    "Role",
    "StatusEvent",
    "Submission",
    "User",
    "UserSource",
    "VerificationCode",
    "new_token",
    "utcnow",
]
