"""The keyed hash that stands in for a customer's email address.

HMAC-SHA256 of the normalised address (trimmed, lower-cased) under a key derived with
HKDF-SHA256 from the secrets key (``HEARTH_SECRETS_KEY``, else ``SECRET_KEY``; see
:func:`hearth.core.encryption.key_materials`), with a salt of its own so the key is used
for nothing else. Without the key a hash cannot be tested against a guessed address.
Changing the secrets key changes every hash: upload the list again afterwards (matching
then starts over; the revenue history of earlier uploads no longer lines up)."""

from __future__ import annotations

import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hearth.core.encryption import key_materials

SALT = b"hearth.customers.hashing"
INFO = b"customer email match v1"


def hashing_key() -> bytes:
    material = key_materials()[0]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=INFO).derive(
        material.encode()
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str, key: bytes | None = None) -> str:
    """Pass ``key`` (from :func:`hashing_key`) when hashing many addresses."""
    # hmac.digest with a digest name is one call into OpenSSL: fast enough for 100,000 rows.
    return hmac.digest(key or hashing_key(), normalise_email(email).encode(), "sha256").hex()
