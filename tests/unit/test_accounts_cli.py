"""``python -m accounts``, the secret key file, the sign-in redirect target and the migration."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from argon2 import PasswordHasher

from accounts import crypto, models
from accounts.__main__ import main
from accounts.crypto import load_or_create_secret_key
from accounts.requests import safe_next
from accounts.service import Accounts, viewer_for
from db.base import Base
from settings import ROOT

ACCOUNT_TABLES = {t.name for t in Base.metadata.sorted_tables if t.name in {
    models.User.__tablename__, models.DashboardGrant.__tablename__, models.BrandRestriction.__tablename__,
    models.ApiToken.__tablename__, models.SignInAttempt.__tablename__}}


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(crypto, "_hasher", hasher)
    monkeypatch.setattr(crypto, "_DUMMY_HASH", hasher.hash("dummy"))


@pytest.fixture
def accounts(database):
    return Accounts(database)


def run(accounts, capsys, *argv, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv), accounts=accounts)
    out, err = capsys.readouterr()
    return code, out, err


def test_acli001_create_user_grant_restrict_and_list(accounts, capsys, monkeypatch):
    code, out, _ = run(accounts, capsys, "create-user", "Carol", "--grant", "gaming", "--brands", "nova",
                       "--password-stdin", stdin="a long password\n", monkeypatch=monkeypatch)
    assert code == 0 and "Carol" in out and "brands: nova" in out
    assert accounts.authenticate("carol", "a long password", "cli").username == "Carol"

    assert run(accounts, capsys, "grant", "carol", "restaurant")[0] == 0
    assert run(accounts, capsys, "restrict-brands", "carol", "aurora", "nova")[0] == 0
    viewer = viewer_for(accounts.get("carol"))
    assert viewer.dashboards == {"gaming", "restaurant"} and viewer.brands == ("aurora", "nova")
    assert run(accounts, capsys, "restrict-brands", "carol", "--clear")[0] == 0
    assert run(accounts, capsys, "revoke", "carol", "gaming")[0] == 0
    viewer = viewer_for(accounts.get("carol"))
    assert viewer.dashboards == {"restaurant"} and viewer.brands is None

    code, out, _ = run(accounts, capsys, "list-users")
    assert code == 0 and out.splitlines() == ["Carol\tactive\trestaurant\tevery brand"]


def test_acli002_disable_enable_and_set_password(accounts, capsys, monkeypatch):
    accounts.create_user("dave", "first password")
    assert run(accounts, capsys, "disable-user", "dave")[0] == 0
    assert accounts.get("dave").disabled
    assert run(accounts, capsys, "enable-user", "dave")[0] == 0
    assert not accounts.get("dave").disabled
    code, _, _ = run(accounts, capsys, "set-password", "dave", "--password-stdin", stdin="second password\n",
                     monkeypatch=monkeypatch)
    assert code == 0 and accounts.authenticate("dave", "second password", "cli")


def test_acli003_tokens_are_printed_once_and_revocable(accounts, capsys):
    accounts.create_user("erin", "a long password")
    code, out, err = run(accounts, capsys, "create-token", "erin", "report job")
    token = out.strip()
    assert code == 0 and "shown this once" in err and accounts.for_token(token).username == "erin"
    code, out, _ = run(accounts, capsys, "list-tokens", "erin")
    token_id = out.split("\t")[0]
    assert token not in out and "report job" in out
    assert run(accounts, capsys, "revoke-token", "erin", token_id)[0] == 0
    assert accounts.for_token(token) is None


def test_acli004_errors_are_reported_with_a_nonzero_status(accounts, capsys):
    code, _, err = run(accounts, capsys, "grant", "ghost", "gaming")
    assert code == 1 and "No user named" in err
    accounts.create_user("frank", "a long password")
    code, _, err = run(accounts, capsys, "grant", "frank", "casino")
    assert code == 1 and "Unknown dashboard casino" in err
    code, _, err = run(accounts, capsys, "restrict-brands", "frank")
    assert code == 1 and "--clear" in err


def test_acli005_the_module_runs_on_the_embedded_database(tmp_path):
    env = {**os.environ, "VIEWMARK_INSTANCE_PATH": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "accounts", "create-user", "gina", "--grant", "gaming",
                           "--password-stdin"], input="a long password\n", text=True, capture_output=True,
                          cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "accounts", "list-users"], text=True, capture_output=True,
                            cwd=ROOT, env=env, timeout=120)
    assert listed.stdout.splitlines() == ["gina\tactive\tgaming\tevery brand"]


def test_acli006_secret_key_is_generated_once_with_mode_0600(tmp_path):
    key = load_or_create_secret_key(tmp_path)
    assert len(key) >= 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert load_or_create_secret_key(tmp_path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


@pytest.mark.parametrize(("target", "expected"), [
    (None, "/"), ("", "/"), ("/dashboards/gaming?state=x", "/dashboards/gaming?state=x"),
    ("https://evil.example/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"), ("javascript:alert(1)", "/"), ("dashboards", "/"),
    ("/ok\r\nSet-Cookie: x=1", "/"), (" //evil.example", "/"), ("http:/evil", "/"),
])
def test_acli007_sign_in_redirects_only_to_local_paths(target, expected):
    assert safe_next(target) == expected


def test_acli008_migration_0001_creates_exactly_the_account_models(database):
    with database.engine.connect() as con:
        diffs = compare_metadata(MigrationContext.configure(con), Base.metadata)

    assert [d for d in diffs if ACCOUNT_TABLES.intersection(_tables_named(d))] == []


def _tables_named(diff) -> set[str]:
    """Table names an Alembic diff entry (a tuple, or a list of tuples) is about."""
    names = set()
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item:
            if isinstance(part, str):
                names.add(part)
            elif isinstance(part, sa.Table):
                names.add(part.name)
            elif getattr(part, "table", None) is not None:
                names.add(part.table.name)
    return names
