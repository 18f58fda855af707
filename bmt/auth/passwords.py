"""argon2id password hashing (argon2-cffi defaults: m=64 MiB, t=3, p=4)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bmt.errors import InvalidInput

# Tests set BMT_FAST_HASH=1 to use cheap parameters; production keeps argon2-cffi's defaults.
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if os.environ.get("BMT_FAST_HASH") == "1"
    else PasswordHasher()
)
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"kata sandi minimal {MIN_LENGTH} karakter / password must have at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so timing does not reveal valid usernames.
DUMMY_HASH = _hasher.hash("not-a-real-password")
