"""API keys: ``sy_<id>_<secret>``, stored only as a SHA-256 hash, checked in constant time.

A key is 12 hex characters of public id (to find its record) plus 32 random bytes
of secret. Because the secret has 256 bits of entropy, one SHA-256 is enough to make
a stolen hash useless (no dictionary to try); PBKDF2 would only slow every request.

Usage::

    key = generate_key()                       # "sy_3f2a9c1b7d4e_Jx...": shown to the user once
    record = ApiKeyRecord(id=key_id(key), hash=hash_key(key), client="acme")
    matches(record, key)                       # True (hmac.compare_digest on the hashes)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from auth.principal import Principal

__all__ = ["PREFIX", "ApiKeyRecord", "generate_key", "hash_key", "key_id", "looks_like_key"]

PREFIX = "sy_"
_KEY = re.compile(r"^sy_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """What is stored about one key (config file or key store): never the key itself."""

    id: str
    hash: str
    client: str
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    plan: str = "free"
    created: str | None = None
    revoked: bool = False
    #: Who the key acts for (e.g. a user id, which policies such as "owner" compare);
    #: without one, the key is its own subject (``key:<id>``).
    subject: str | None = None

    def principal(self) -> Principal:
        return Principal(
            client_id=self.client,
            subject=self.subject or f"key:{self.id}",
            roles=frozenset(self.roles),
            scopes=frozenset(self.scopes),
            plan=self.plan,
            claims={"key_id": self.id},
        )


def generate_key() -> str:
    """A new random key (show it once; store only :func:`hash_key` of it)."""
    return f"{PREFIX}{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def hash_key(key: str) -> str:
    return "sha256$" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_key(value: str) -> bool:
    """Whether ``value`` has an API key's shape (decides API key vs JWT for a Bearer value)."""
    return value.startswith(PREFIX)


def key_id(key: str) -> str | None:
    """The public id of a well-formed key, else None."""
    match = _KEY.match(key)
    return match.group(1) if match else None


def matches(record: ApiKeyRecord, key: str) -> bool:
    """Constant-time comparison of the presented key's hash with the stored one."""
    return hmac.compare_digest(hash_key(key).encode("ascii"), record.hash.encode("ascii"))
