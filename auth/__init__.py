"""Authentication: who is calling. Authorization policy lives in the schema's directives."""

from auth.principal import Principal, anonymous

__all__ = ["Principal", "anonymous"]
