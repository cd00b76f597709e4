"""Random credentials and their at-rest form: only a SHA-256 digest is ever stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


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
