"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from prism.errors import Invalid
from prism.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("prism-timing-equaliser")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, after checking it meets the length rules."""
    check_password_rules(password)
    return hash_secret(password)


def hash_secret(secret: str) -> str:
    """An argon2id hash of a secret whose rules its owner checks (a share link's passcode)."""
    return _hasher.hash(secret)


def check_password_rules(password: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise Invalid(
            _(
                "A password needs {MIN_LENGTH} to {MAX_LENGTH} characters.",
                MIN_LENGTH=MIN_LENGTH,
                MAX_LENGTH=MAX_LENGTH,
            )
        )
    if password.strip() != password or not password.strip():
        raise Invalid(_("A password may not start or end with spaces."))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Does `password` match? With no hash (unknown user) it still spends the same effort."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
