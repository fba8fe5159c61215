"""The platform's signing identity, PAdES signatures with pyHanko, and their check.

Production configures a certificate and its key (`KHIDMA_SIGNING_CERT_FILE`,
`KHIDMA_SIGNING_KEY_FILE`, `KHIDMA_SIGNING_KEY_PASSWORD`, PEM files) issued by a CA the
readers trust, and optionally a time-stamp authority (`KHIDMA_TSA_URL`: signatures are
then PAdES B-T). Without them a key and a self-signed certificate are made once in the
instance folder (`signing/`); that is meant for development, and is logged as a warning
outside it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import threading
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

if TYPE_CHECKING:
    from cryptography import x509

T = TypeVar("T")

log = logging.getLogger(__name__)

FIELD_NAME = "KhidmaSeal"
DEV_FOLDER = "signing"
DEV_KEY, DEV_CERT = "dev-key.pem", "dev-cert.pem"

_lock = threading.Lock()


@dataclass(frozen=True)
class SigningIdentity:
    """A key and its certificate (PEM files), and a time-stamp authority if any."""

    key_file: Path
    cert_file: Path
    key_password: bytes | None = None
    tsa_url: str | None = None
    self_signed: bool = False

    def signer(self) -> Any:
        from pyhanko.sign import signers

        return signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(self.key_file), str(self.cert_file), key_passphrase=self.key_password
        )

    def certificate(self) -> Any:
        from pyhanko.keys import load_cert_from_pemder

        return load_cert_from_pemder(str(self.cert_file))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class SignatureCheck:
    """Whether a PDF carries an intact, valid signature of the platform over the whole
    file; `reason` says what is wrong otherwise (a short code, see `verify`)."""

    ok: bool
    reason: str = ""


def identity_from_settings(settings: Any, instance_path: str | Path) -> SigningIdentity:
    """The configured identity, or the development one in the instance folder (made at
    first use)."""
    key, cert = settings.get("SIGNING_KEY_FILE"), settings.get("SIGNING_CERT_FILE")
    password = settings.get("SIGNING_KEY_PASSWORD")
    tsa = settings.get("TSA_URL") or None
    if key and cert:
        return SigningIdentity(Path(key), Path(cert), password.encode() if password else None, tsa)
    if key or cert:
        raise RuntimeError(
            "set both KHIDMA_SIGNING_KEY_FILE and KHIDMA_SIGNING_CERT_FILE (PEM), or neither"
        )
    if not settings.get("DEV"):
        log.warning(
            "documents are signed with a self-signed key made in the instance folder: set "
            "KHIDMA_SIGNING_KEY_FILE and KHIDMA_SIGNING_CERT_FILE in production"
        )
    folder = Path(instance_path) / DEV_FOLDER
    make_self_signed(folder)
    return SigningIdentity(folder / DEV_KEY, folder / DEV_CERT, None, tsa, self_signed=True)


def make_self_signed(folder: Path, common_name: str = "Khidma development seal") -> None:
    """Make an EC P-256 key and a self-signed certificate in `folder`, unless there."""
    with _lock:
        key_path, cert_path = folder / DEV_KEY, folder / DEV_CERT
        if key_path.exists() and cert_path.exists():
            return
        from cryptography import x509
        from cryptography.x509.oid import ExtendedKeyUsageOID
        from cryptography.x509.oid import NameOID

        folder.mkdir(parents=True, exist_ok=True)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "SA"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Khidma"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_cert_sign=True,
            crl_sign=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
        )
        purpose = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
        key_bytes, cert_bytes = self_signed_pem(name, 3650, [(usage, True), (purpose, False)])
        tmp = key_path.with_suffix(".tmp")
        tmp.write_bytes(key_bytes)
        tmp.chmod(0o600)
        tmp.replace(key_path)
        cert_path.write_bytes(cert_bytes)


def self_signed_pem(
    name: x509.Name, days: int, extensions: Sequence[tuple[x509.ExtensionType, bool]] = ()
) -> tuple[bytes, bytes]:
    """A new EC P-256 key and a CA certificate of `name` that it signs itself, valid from
    a day ago for `days` days, with `extensions` as (extension, critical) after its
    basic constraints: (key, certificate), both PEM, the key unencrypted (PKCS#8)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    cert = builder.sign(key, hashes.SHA256())
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_bytes, cert.public_bytes(serialization.Encoding.PEM)


def _off_the_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    # pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a
    # thread where one is already running (an async server, Playwright's sync API): run
    # it in a thread of its own there.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign(pdf: bytes, identity: SigningIdentity, *, reason: str = "Issued by Khidma") -> bytes:
    """`pdf` with an invisible PAdES signature (B-B, or B-T with a time-stamp authority)
    added as an incremental update."""
    return _off_the_loop(_sign, pdf, identity, reason)


def _sign(pdf: bytes, identity: SigningIdentity, reason: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign import signers
    from pyhanko.sign import timestamps

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )
    stamper = timestamps.HTTPTimeStamper(identity.tsa_url) if identity.tsa_url else None
    out = signers.sign_pdf(writer, meta, signer=identity.signer(), timestamper=stamper)
    signed: bytes = out.getvalue()
    return signed


def check(pdf: bytes, identity: SigningIdentity) -> SignatureCheck:
    """Validate the platform's signature on `pdf`: it must parse, carry a signature that
    chains to the platform's certificate, be intact and cover the whole file."""
    return _off_the_loop(_check, pdf, identity)


def _check(pdf: bytes, identity: SigningIdentity) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any parse failure: it is not a document we can read
        return SignatureCheck(False, "unreadable")
    if not signatures:
        return SignatureCheck(False, "unsigned")
    context = ValidationContext(trust_roots=[identity.certificate()])
    try:
        status = validate_pdf_signature(signatures[0], context)
    except (ValueError, KeyError, TypeError):  # pyHanko's validation errors are ValueErrors
        return SignatureCheck(False, "altered")
    if not (status.intact and status.valid):
        return SignatureCheck(False, "altered")
    if not status.trusted:
        return SignatureCheck(False, "other_signer")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        return SignatureCheck(False, "added_after")
    return SignatureCheck(True)
