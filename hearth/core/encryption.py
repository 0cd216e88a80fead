"""Secrets kept encrypted at rest: what Hearth must read back in clear to use (a webhook's
signing secret), unlike passwords and API keys, which are only hashed.

Fernet (from ``cryptography``: AES-128-CBC and HMAC-SHA256, a timestamped token) under a
key derived with HKDF-SHA256 from ``HEARTH_SECRETS_KEY``, or from ``SECRET_KEY`` when that
is not set. Older keys still decrypt, through MultiFernet, in this order:
``HEARTH_SECRETS_KEY_FALLBACKS``, then ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (so
moving from the ``SECRET_KEY``-derived key to a ``HEARTH_SECRETS_KEY`` needs no fallback
set). Rotating a key: put the new one in place, the old one in the fallbacks, run
``hearth manage reencrypt_secrets``, then drop the old one (docs/operators/running.md)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

# Fixed salt and context: the same key material gives a different key for any other use.
SALT = b"hearth.core.encryption"
INFO = b"hearth secrets at rest v1"


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


def derive_key(material: str) -> bytes:
    """A Fernet key (url-safe base64 of 32 bytes) from any secret string."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=INFO).derive(material.encode())
    return base64.urlsafe_b64encode(raw)


def key_materials() -> list[str]:
    """The configured key materials, the one that encrypts first."""
    primary = getattr(settings, "HEARTH_SECRETS_KEY", None) or settings.SECRET_KEY
    materials = [
        primary,
        *(getattr(settings, "HEARTH_SECRETS_KEY_FALLBACKS", None) or ()),
        settings.SECRET_KEY,
        *(getattr(settings, "SECRET_KEY_FALLBACKS", None) or ()),
    ]
    seen: list[str] = []
    for material in materials:
        if material and material not in seen:
            seen.append(material)
    return seen


def _box() -> MultiFernet:
    # Deriving a key takes microseconds: built per call, so settings changes apply at once.
    return MultiFernet([Fernet(derive_key(m)) for m in key_materials()])


def encrypt(text: str) -> str:
    return _box().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise SecretUnreadable(
            _(
                "The stored secret could not be decrypted: HEARTH_SECRETS_KEY (or SECRET_KEY) "
                "changed and the old key is not in HEARTH_SECRETS_KEY_FALLBACKS. Put it back "
                "as a fallback, or make a new secret."
            )
        ) from exc


def reencrypt(token: str) -> str:
    """The token encrypted under the current key (raises SecretUnreadable)."""
    try:
        return _box().rotate(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable(str(exc) or "unreadable") from exc


def is_current(token: str) -> bool:
    """Whether the token was made with the current key (needs no re-encryption)."""
    try:
        Fernet(derive_key(key_materials()[0])).decrypt(token.encode())
    except (InvalidToken, ValueError):
        return False
    return True
