"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name takes as long as a wrong
# password and sign-in timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash("not a real password: timing equaliser")


def check_password(password: str) -> str:
    """The password itself, or ValueError saying what is wrong with it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters; got {len(password)}."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password must have at most {MAX_PASSWORD_LENGTH} characters.")
    if password.strip() != password:
        raise ValueError("password must not start or end with spaces.")
    return password


def hash_password(password: str) -> str:
    """An Argon2id hash string (salted, with its parameters) of a valid password."""
    return _HASHER.hash(check_password(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches the stored hash; a missing hash still costs one check."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _HASHER.check_needs_rehash(stored_hash)
