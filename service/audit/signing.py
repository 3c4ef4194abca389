"""The Ed25519 key that signs checkpoints: where it lives, and signing and checking.

The key sits in a file outside the database (``RATSFLOW_AUDIT_SIGNING_KEY``), so that
whoever can rewrite the database still cannot sign a rebuilt chain. On the embedded default
(SQLite, no key configured) it is created beside the database on first need, with a
warning; on PostgreSQL a missing key is an error, because a server key belongs in the
operator's hands.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.config import Settings
from service.db import is_sqlite


class SigningKeyMissing(ValueError):
    pass


def key_path(settings: Settings, chain_key: str | None = None) -> Path:
    """The key of a body's chain: the configured one for the deployment's own body, a file
    beside it named after the body for every other (``audit-signing-<slug>.key``), so
    that each body's checkpoints are signed by a key of its own."""
    if settings.audit_signing_key is not None:
        own = settings.audit_signing_key
    elif not is_sqlite(settings.database_url):
        raise SigningKeyMissing(
            "RATSFLOW_AUDIT_SIGNING_KEY ist nicht gesetzt: auf PostgreSQL muss der "
            "Signaturschlüssel für Prüfpunkte ausdrücklich angegeben werden."
        )
    else:
        database = settings.database_url.removeprefix("sqlite:///")
        own = Path(database).with_name("audit-signing.key")
    if chain_key is None or chain_key == settings.chain_key:
        return own
    return own.with_name(f"{own.stem}-{chain_key}{own.suffix}")


def load_key(settings: Settings, chain_key: str | None = None) -> Ed25519PrivateKey:
    path = key_path(settings, chain_key)
    if not path.exists():
        if settings.audit_signing_key is not None and not is_sqlite(settings.database_url):
            raise SigningKeyMissing(f"{path}: Signaturschlüssel nicht gefunden.")
        return create_key(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path}: kein Ed25519-Schlüssel.")
    return key


def create_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    print(
        f"Warnung: neuer Signaturschlüssel für Protokoll-Prüfpunkte angelegt: {path}. "
        "Sichern Sie ihn außerhalb der Datenbank (RATSFLOW_AUDIT_SIGNING_KEY).",
        file=sys.stderr,
    )
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def key_id(public_key_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_valid(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
