"""Random credentials and their at-rest form: a SHA-256 digest to look them up by, and, for
the few a person must be able to copy again (a share link), a copy sealed with a key derived
from the app's secret key, which the database does not hold."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def bearer(header: str) -> str | None:
    """The credential in an `Authorization: Bearer <token>` header; None if it is not one."""
    scheme, _sep, raw = header.partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


def new_secret(prefix: str) -> str:
    """A fresh credential with a readable prefix, e.g. `prism_...` for API tokens."""
    return f"{prefix}{secrets.token_urlsafe(32)}"


def digest(value: str) -> str:
    # The credentials carry 256 random bits, so a fast unsalted hash is enough at rest.
    return hashlib.sha256(value.encode()).hexdigest()


def sign(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def seal(key: str, value: str, *, purpose: str) -> str:
    """`value` encrypted (AES-256-GCM) under a key derived from `key` for `purpose`."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_derived(key, purpose)).encrypt(nonce, value.encode(), purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(key: str, sealed: str, *, purpose: str) -> str | None:
    """What `seal` sealed, or None if the secret key changed since (or the text was altered)."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        opened = AESGCM(_derived(key, purpose)).decrypt(raw[:12], raw[12:], purpose.encode())
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return opened.decode()


def _derived(key: str, purpose: str) -> bytes:
    return hmac.new(key.encode(), f"prism seal: {purpose}".encode(), hashlib.sha256).digest()
