"""Authentication: who is calling. Authorization policy lives in the schema's directives."""

from auth.api_keys import ApiKeyRecord, generate_key, hash_key
from auth.authenticator import Authenticator, TokenVerifier
from auth.key_store import KeyStore
from auth.principal import Principal, anonymous

__all__ = [
    "ApiKeyRecord",
    "Authenticator",
    "KeyStore",
    "Principal",
    "TokenVerifier",
    "anonymous",
    "generate_key",
    "hash_key",
]
