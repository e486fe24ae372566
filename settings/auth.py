"""Authentication configuration: ``[auth]`` (API keys, JWT) and per-service credentials.

Usage (TOML)::

    [auth]
    required = false

    [[auth.api_keys]]
    id = "3f2a9c1b7d4e"
    hash = "sha256$<hex digest of the key>"
    client = "acme"
    roles = ["reader"]
    plan = "pro"

    [auth.jwt]
    issuer = "https://issuer.example"
    audience = "switchyard"
    jwks_url = "https://issuer.example/.well-known/jwks.json"

    [services.users.credentials]
    forward_authorization = false
    signed_identity_secret = "per-service secret"
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator


class _Strict(BaseModel):
    # The same rules as settings.model.StrictModel (that module imports this one).
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApiKeyEntry(_Strict):
    """One API key kept in the configuration file: only its hash, never the key."""

    #: The key's public id (the part after ``sy_``); ``switchyard keys create`` prints it.
    id: str = Field(pattern=r"^[0-9a-f]{12}$")
    #: ``sha256$<hex>`` of the whole key (keys are 256-bit random, so a fast hash is safe).
    hash: str = Field(pattern=r"^sha256\$[0-9a-f]{64}$")
    #: Client id used for limits, quotas and usage.
    client: str = Field(min_length=1)
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    plan: str = "free"
    #: When the key was made (ISO 8601); informational.
    created: str | None = None
    #: A revoked key is refused like an unknown one.
    revoked: bool = False
    #: Who the key acts for, e.g. a user id (the demo's owner rule compares it).
    subject: str | None = None


class ClaimMapping(_Strict):
    """Which JWT claims become the principal's fields."""

    #: Claim naming the client; falls back to ``subject``'s claim when absent.
    client_id: str = "client_id"
    subject: str = "sub"
    #: A list of strings (or one space-separated string).
    roles: str = "roles"
    #: A space-separated string (OAuth ``scope``) or a list of strings.
    scopes: str = "scope"
    plan: str = "plan"


class JwtSettings(_Strict):
    """JWT bearer tokens: HS256 with a shared secret and/or asymmetric keys from a JWKS."""

    #: Required ``iss``; unset means not checked.
    issuer: str | None = None
    #: Required ``aud`` (must be one of the token's audiences); unset means not checked.
    audience: str | None = None
    #: Clock skew tolerated on ``exp``/``nbf``/``iat``, in seconds.
    leeway_seconds: int = Field(default=30, ge=0, le=600)
    #: Shared secret for HS256 tokens (at least 32 bytes); unset disables HS256.
    hs256_secret: SecretStr | None = None
    #: JWKS URL for RS256/ES256/EdDSA keys (fetched with a bounded timeout, cached).
    jwks_url: str | None = None
    #: Local JWKS file, used instead of (or before) ``jwks_url``.
    jwks_file: Path | None = None
    #: Asymmetric algorithms accepted with JWKS keys.
    algorithms: tuple[str, ...] = ("RS256", "ES256", "EdDSA", "Ed25519")
    #: How long fetched keys are trusted before a background refresh, in seconds.
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    #: At most one JWKS fetch per this many seconds (unknown ``kid`` floods cannot hammer it).
    jwks_min_refresh_seconds: float = Field(default=10.0, ge=0)
    #: Bound on one JWKS fetch; when exceeded the request gets AUTH_UNAVAILABLE (503).
    jwks_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    #: Refuse JWKS-verified tokens whose header has no ``kid``.
    require_kid: bool = True
    claims: ClaimMapping = ClaimMapping()

    @field_validator("hs256_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < 32:
            raise ValueError("must be at least 32 bytes")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.hs256_secret or self.jwks_url or self.jwks_file)


class AuthSettings(_Strict):
    """``[auth]``: who may call and how they prove it."""

    #: Refuse anonymous callers with 401 and ``WWW-Authenticate`` before any parsing.
    required: bool = False
    #: Realm named in ``WWW-Authenticate``.
    realm: str = "switchyard"
    #: API keys kept in the configuration file (hashes only).
    api_keys: tuple[ApiKeyEntry, ...] = ()
    #: SQLite file where ``switchyard keys create`` stores hashed keys (read if present).
    keys_db: Path = Path(".switchyard/keys.db")
    #: Longest ``Authorization`` / ``X-API-Key`` value accepted; longer is refused (401).
    max_credential_bytes: int = Field(default=8192, ge=256, le=65536)
    jwt: JwtSettings = JwtSettings()


class ServiceCredentials(_Strict):
    """``[services.NAME.credentials]``: what the gateway sends a service about the caller.

    By default nothing of the caller's credentials reaches the service.
    """

    #: Forward the caller's ``Authorization`` header as it came.
    forward_authorization: bool = False
    #: The gateway's own headers for this service (e.g. ``{"X-Api-Key" = "..."}``).
    static_headers: dict[str, SecretStr] = Field(default_factory=dict)
    #: Sign ``X-Principal-Id``/``X-Principal-Roles`` with HMAC-SHA256 under this secret.
    signed_identity_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _one_authorization(self) -> ServiceCredentials:
        if self.forward_authorization and any(
            name.lower() == "authorization" for name in self.static_headers
        ):
            raise ValueError("forward_authorization and a static Authorization header conflict")
        return self
