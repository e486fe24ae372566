"""Dashboard sessions: signed, expiring, bound to the signing secret."""

from __future__ import annotations

from pydantic import SecretStr

from admin.session import SessionSigner
from settings.observability import DashboardSettings


def test_issue_and_verify_round_trip() -> None:
    signer = SessionSigner(b"s" * 32)
    assert signer.verify(signer.issue("ops", ttl=60)) == "ops"


def test_tampered_expired_and_foreign_sessions_are_refused() -> None:
    signer = SessionSigner(b"s" * 32)
    cookie = signer.issue("ops", ttl=60)
    expiry, client, signature = cookie.split(".")
    assert signer.verify(f"{int(expiry) + 1000}.{client}.{signature}") is None
    assert signer.verify(f"{expiry}.{b'root'.hex()}.{signature}") is None
    assert SessionSigner(b"t" * 32).verify(cookie) is None
    assert signer.verify(signer.issue("ops", ttl=-1)) is None
    for junk in ("", "a.b", "x.y.z", "1.zz.00", None):
        assert signer.verify(junk) is None


def test_sessions_from_the_admin_key_survive_across_workers() -> None:
    settings = DashboardSettings(admin_key=SecretStr("k" * 20))
    cookie = SessionSigner.for_settings(settings).issue("admin", ttl=60)
    assert SessionSigner.for_settings(settings).verify(cookie) == "admin"
    # Without a configured key each process signs with its own random secret.
    assert SessionSigner.for_settings(DashboardSettings()).verify(cookie) is None


def test_a_session_secret_is_shared_by_every_worker() -> None:
    settings = DashboardSettings(session_secret=SecretStr("s" * 32))
    cookie = SessionSigner.for_settings(settings).issue("ops", ttl=60)
    assert SessionSigner.for_settings(settings).verify(cookie) == "ops"
