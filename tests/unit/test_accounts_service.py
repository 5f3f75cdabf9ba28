"""The accounts service on SQLite and PostgreSQL: users, grants, brands, tokens, sign-in and throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from accounts import crypto
from accounts.demo import DEMO_PASSWORD, DEMO_USERS, PARTNER_BRAND, ensure_demo_users
from accounts.models import ApiToken, SignInAttempt, User
from accounts.service import SIGN_IN_REFUSED, Accounts, SignInRefused, SignInThrottled, viewer_for
from core.errors import Conflict, Invalid, NotFound

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2 with its real parameters takes ~0.2 s a hash; the tests check behaviour, not cost."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(crypto, "_hasher", hasher)
    monkeypatch.setattr(crypto, "_DUMMY_HASH", hasher.hash("dummy"))


class Clock:
    def __init__(self):
        self.now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(database, clock):
    return Accounts(database, clock=clock)


def test_acct001_usernames_are_unique_case_insensitively(accounts):
    accounts.create_user("Alice", PASSWORD)
    with pytest.raises(Conflict):
        accounts.create_user("alice", PASSWORD)
    assert accounts.get("ALICE").username == "Alice"


@pytest.mark.parametrize("name", ["", " ", "a b", "-x", "x" * 65, "al/ice", "<script>"])
def test_acct002_invalid_usernames_are_refused(accounts, name):
    with pytest.raises(Invalid):
        accounts.create_user(name, PASSWORD)


def test_acct003_passwords_are_stored_as_argon2_hashes_only(accounts, database):
    accounts.create_user("alice", PASSWORD)
    with database.session() as s:
        stored = s.scalar(sa.select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(Invalid):
        accounts.create_user("bob", "short")


def test_acct004_authenticate_gives_one_message_for_wrong_user_or_password(accounts):
    accounts.create_user("alice", PASSWORD, dashboards=["restaurant"])
    assert accounts.authenticate("ALICE", PASSWORD, "10.0.0.1").username == "alice"
    with pytest.raises(SignInRefused) as wrong_password:
        accounts.authenticate("alice", "not the password", "10.0.0.1")
    with pytest.raises(SignInRefused) as unknown_user:
        accounts.authenticate("mallory", PASSWORD, "10.0.0.1")
    assert wrong_password.value.message == unknown_user.value.message == SIGN_IN_REFUSED


def test_acct005_a_disabled_user_cannot_sign_in_and_loses_sessions_and_tokens(accounts):
    account = accounts.create_user("alice", PASSWORD, dashboards=["gaming"])
    _info, token = accounts.create_token(account.id, "script")
    assert accounts.for_session(account.session_id) is not None
    assert accounts.for_token(token) is not None

    accounts.set_disabled("alice", True)
    with pytest.raises(SignInRefused):
        accounts.authenticate("alice", PASSWORD, "10.0.0.1")
    assert accounts.for_session(account.session_id) is None
    assert accounts.for_token(token) is None
    assert accounts.for_username("alice") is None
    assert viewer_for(accounts.get("alice")).dashboards == frozenset()

    accounts.set_disabled("alice", False)
    assert accounts.for_token(token) is not None
    assert accounts.for_session(account.session_id) is None  # old sessions stay ended


def test_acct006_a_new_password_ends_existing_sessions(accounts):
    old = accounts.create_user("alice", PASSWORD)
    accounts.set_password("alice", "another long password")
    assert accounts.for_session(old.session_id) is None
    new = accounts.authenticate("alice", "another long password", "10.0.0.1")
    assert accounts.for_session(new.session_id) == new


@pytest.mark.parametrize("session_id", ["", "x", "1", "1:", ":1", "abc:def", "1:2:3", None])
def test_acct007_malformed_session_ids_load_nobody(accounts, session_id):
    accounts.create_user("alice", PASSWORD)
    assert accounts.for_session(session_id) is None


def test_acct008_grants_and_revokes_decide_the_viewer_dashboards(accounts):
    accounts.create_user("alice", PASSWORD)
    assert viewer_for(accounts.get("alice")).dashboards == frozenset()
    accounts.grant("alice", ["restaurant", "gaming", "gaming"])
    viewer = viewer_for(accounts.get("alice"))
    assert viewer.dashboards == {"restaurant", "gaming"} and viewer.can_view("gaming")
    accounts.revoke("alice", ["gaming"])
    viewer = viewer_for(accounts.get("alice"))
    assert viewer.can_view("restaurant") and not viewer.can_view("gaming")


def test_acct009_brand_restrictions_are_explicit_and_clearable(accounts):
    accounts.create_user("alice", PASSWORD, dashboards=["gaming"])
    assert viewer_for(accounts.get("alice")).brands is None
    assert viewer_for(accounts.get("alice")).restrictions == {}

    accounts.restrict_brands("alice", ["nova", "aurora"])
    viewer = viewer_for(accounts.get("alice"))
    assert viewer.brands == ("aurora", "nova")
    assert viewer.restrictions == {"brand": ("aurora", "nova")}

    accounts.restrict_brands("alice", [])  # restricted to nothing: sees no brand at all
    assert viewer_for(accounts.get("alice")).restrictions == {"brand": ()}

    accounts.restrict_brands("alice", None)
    assert viewer_for(accounts.get("alice")).brands is None


def test_acct010_nobody_and_unknown_accounts_see_nothing():
    viewer = viewer_for(None)
    assert viewer.dashboards == frozenset() and viewer.brands == ()
    assert not viewer.can_view("restaurant")


def test_acct011_operations_on_unknown_users_are_not_found(accounts):
    for call in (lambda: accounts.get("ghost"), lambda: accounts.grant("ghost", ["gaming"]),
                 lambda: accounts.set_password("ghost", PASSWORD), lambda: accounts.set_disabled("ghost", True),
                 lambda: accounts.restrict_brands("ghost", ["nova"])):
        with pytest.raises(NotFound):
            call()


def test_acct012_tokens_are_stored_hashed_shown_once_and_revocable(accounts, database):
    alice = accounts.create_user("alice", PASSWORD)
    bob = accounts.create_user("bob", PASSWORD)
    info, token = accounts.create_token(alice.id, "  nightly export ")
    assert info.name == "nightly export" and token.startswith(crypto.TOKEN_PREFIX) and len(token) > 40
    with database.session() as s:
        row = s.scalar(sa.select(ApiToken))
    assert row.token_hash == crypto.token_digest(token) and token not in (row.token_hash, row.prefix)
    assert accounts.for_token(token).username == "alice"
    assert accounts.for_token(token + "x") is None
    assert accounts.for_token("Bearer " + token) is None
    assert [t.id for t in accounts.list_tokens(alice.id)] == [info.id]
    assert accounts.list_tokens(bob.id) == []

    with pytest.raises(NotFound):  # another user's token is "not found", never "forbidden"
        accounts.revoke_token(bob.id, info.id)
    assert accounts.for_token(token) is not None
    accounts.revoke_token(alice.id, info.id)
    assert accounts.for_token(token) is None
    with pytest.raises(NotFound):
        accounts.revoke_token(alice.id, info.id)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, None, 5])
def test_acct013_token_names_are_validated(accounts, name):
    alice = accounts.create_user("alice", PASSWORD)
    with pytest.raises(Invalid):
        accounts.create_token(alice.id, name)


def test_acct014_token_last_use_is_recorded(accounts, clock):
    alice = accounts.create_user("alice", PASSWORD)
    info, token = accounts.create_token(alice.id, "script")
    assert info.last_used_at is None
    accounts.for_token(token)
    assert accounts.list_tokens(alice.id)[0].last_used_at == clock.now


def test_acct015_an_account_is_throttled_after_five_failures(accounts, clock):
    accounts.create_user("alice", PASSWORD)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.authenticate("alice", "wrong password", "10.0.0.1")
    # Even the right password is refused now, from any address, without revealing whether it was right.
    with pytest.raises(SignInThrottled):
        accounts.authenticate("alice", PASSWORD, "10.9.9.9")
    clock.advance(minutes=16)
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1").username == "alice"


def test_acct016_a_successful_sign_in_restarts_the_account_count(accounts):
    accounts.create_user("alice", PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            accounts.authenticate("alice", "wrong password", "10.0.0.1")
    accounts.authenticate("alice", PASSWORD, "10.0.0.1")
    for _ in range(4):
        with pytest.raises(SignInRefused):
            accounts.authenticate("alice", "wrong password", "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1")


def test_acct017_unknown_names_are_throttled_like_real_ones(accounts):
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.authenticate("nobody", "whatever", "10.0.0.1")
    with pytest.raises(SignInThrottled):
        accounts.authenticate("NOBODY", "whatever", "10.0.0.2")


def test_acct018_an_address_is_throttled_after_twenty_failures(accounts):
    accounts.create_user("alice", PASSWORD)
    for i in range(20):  # four failures each on five names: no single account is locked
        with pytest.raises(SignInRefused):
            accounts.authenticate(f"user{i % 5}", "wrong password", "10.0.0.1")
    with pytest.raises(SignInThrottled):
        accounts.authenticate("alice", PASSWORD, "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.2").username == "alice"


def test_acct019_old_attempts_are_pruned(accounts, database, clock):
    with pytest.raises(SignInRefused):
        accounts.authenticate("alice", "wrong password", "10.0.0.1")
    clock.advance(days=2)
    with pytest.raises(SignInRefused):
        accounts.authenticate("alice", "wrong password", "10.0.0.1")
    with database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(SignInAttempt)) == 1


def test_acct020_demo_users_are_created_once(accounts):
    assert sorted(ensure_demo_users(accounts)) == ["analyst", "manager", "partner"]
    accounts.set_password("manager", "changed by an admin")
    assert ensure_demo_users(accounts) == []
    analyst, manager, partner = (viewer_for(accounts.get(u.username)) for u in DEMO_USERS)
    assert analyst.dashboards == {"restaurant", "gaming"} and analyst.brands is None
    assert manager.dashboards == {"restaurant"} and manager.brands is None
    assert partner.dashboards == {"gaming"} and partner.brands == (PARTNER_BRAND,)
    assert accounts.authenticate("analyst", DEMO_PASSWORD, "10.0.0.1")
    with pytest.raises(SignInRefused):  # an existing demo user is left as it is
        accounts.authenticate("manager", DEMO_PASSWORD, "10.0.0.1")

