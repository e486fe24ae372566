"""API key format, hashing, constant-time comparison and the SQLite key store."""

from __future__ import annotations

import hmac
import sqlite3
from pathlib import Path

import pytest

from auth import Authenticator, KeyStore, api_keys, generate_key, hash_key
from auth.api_keys import ApiKeyRecord, key_id
from errors import Unauthenticated
from settings import AuthSettings


def test_keys_are_random_and_hashes_hide_them() -> None:
    a, b = generate_key(), generate_key()
    assert a != b and a.startswith("sy_") and key_id(a) is not None
    assert a not in hash_key(a) and hash_key(a) != hash_key(b)


def test_comparison_uses_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(x: bytes, y: bytes) -> bool:
        seen.append((x, y))
        return real(x, y)

    monkeypatch.setattr(api_keys.hmac, "compare_digest", spy)
    key = generate_key()
    record = ApiKeyRecord(id=key_id(key) or "", hash=hash_key(key), client="c")
    assert api_keys.matches(record, key)
    assert not api_keys.matches(record, generate_key())
    assert len(seen) == 2


async def test_store_create_find_revoke(tmp_path: Path) -> None:
    settings = AuthSettings(keys_db=tmp_path / "k" / "keys.db")
    store = KeyStore(settings)
    assert store.list() == [] and not settings.keys_db.exists()
    key, record = store.create(client="acme", roles=("reader",), plan="pro")
    assert key not in settings.keys_db.read_bytes().decode("latin-1")
    assert store.find(record.id) == record
    authenticator = Authenticator(settings)
    principal = await authenticator.authenticate(authorization=None, api_key=key, client_ip="x")
    assert (principal.client_id, principal.plan, principal.roles) == ("acme", "pro", {"reader"})
    assert store.revoke(record.id) and not store.revoke("000000000000")
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(authorization=f"Bearer {key}", api_key=None, client_ip="x")


async def test_a_key_can_act_for_a_subject_and_old_key_files_still_open(tmp_path: Path) -> None:
    path = tmp_path / "keys.db"
    old = sqlite3.connect(path)  # the layout before keys had subjects
    old.execute(
        "CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL, client TEXT NOT NULL,"
        " roles TEXT NOT NULL DEFAULT '', scopes TEXT NOT NULL DEFAULT '',"
        " plan TEXT NOT NULL DEFAULT 'free', created TEXT, revoked INTEGER NOT NULL DEFAULT 0)"
    )
    legacy = generate_key()
    old.execute(
        "INSERT INTO api_keys VALUES (?, ?, 'old', '', '', 'free', NULL, 0)",
        (api_keys.key_id(legacy), hash_key(legacy)),
    )
    old.commit()
    old.close()
    settings = AuthSettings(keys_db=path)
    store = KeyStore(settings)
    key, record = store.create(client="acme-app", subject="42")
    assert store.find(record.id) == record and record.subject == "42"
    authenticator = Authenticator(settings)
    principal = await authenticator.authenticate(authorization=None, api_key=key, client_ip="x")
    assert principal.subject == "42"
    before = await authenticator.authenticate(authorization=None, api_key=legacy, client_ip="x")
    assert before.client_id == "old" and before.subject == f"key:{api_keys.key_id(legacy)}"
