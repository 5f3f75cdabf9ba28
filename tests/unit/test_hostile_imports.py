"""Generated hostile bookmark files (``bookmarks/transfer.py``, ``BookmarkService.import_bookmarks``), on
SQLite and PostgreSQL: any JSON value in any position of the document, of an entry, of its name or of its
state.

A file is either refused whole — a 4xx error whose field names a hostile position, and not one row written —
or imported: every entry becomes one bookmark with a clean name and a canonical state, and importing the
same file again adds nothing.
"""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa
from cachelib import SimpleCache
from hypothesis import given
from hypothesis import strategies as st

from accounts.service import Accounts, viewer_for
from bookmarks.models import Bookmark
from bookmarks.names import clean_name
from bookmarks.service import BookmarkService
from bookmarks.transfer import EXPORT_FORMAT, EXPORT_VERSION
from core.errors import ServiceError
from dashboards import registry
from dashboards.service import DashboardService
from data.engine import DataEngine
from data.files import duckdb_url
from tests.hostile import Known, hostile_states, hostile_text, json_values, named_by, scaled, valid_states
from views.resolve import ViewResolver

ENVELOPE = ("format", "version", "dashboard", "exported_at", "bookmarks")
WHOLE = ("<the file>",)
NOT_JSON = ["[" * 50_000, b'{"bookmarks": ' * 20_000, b"\xff\xfe{", "{'bookmarks': []}", "\ufeff{}"]


@pytest.fixture(scope="module")
def views(small_data):
    engine = DataEngine(duckdb_url(small_data.path), cache=SimpleCache(threshold=10_000), cache_seconds=3600)
    yield ViewResolver(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def importer(migrated_database, views):
    """The bookmark service on one database, and a user of its own there (removed afterwards)."""
    accounts = Accounts(migrated_database)
    account = accounts.create_user(f"import-{uuid.uuid4().hex[:8]}", password_hash="not-used",
                                   dashboards=["restaurant"])
    service = BookmarkService(migrated_database, DashboardService(views.engine, views), views)
    viewer = viewer_for(account)
    yield service, viewer, Known.of(views, registry.get("restaurant"), viewer)
    with migrated_database.session() as s:
        s.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": account.id})


# Strategies ------------------------------------------------------------------------------------------

plain_names = st.text(st.characters(categories=["L", "N"]) | st.just(" "), min_size=1, max_size=30).filter(
    lambda n: n.strip())


@st.composite
def documents(draw, known: Known) -> dict:
    """A file the user may import: the envelope's keys or some of them, and up to four entries."""
    entries = draw(st.lists(st.fixed_dictionaries({"name": plain_names, "state": valid_states(known)}),
                            max_size=4))
    document = {"bookmarks": entries}
    for key, value in (("format", EXPORT_FORMAT), ("version", EXPORT_VERSION), ("dashboard", known.board.id),
                       ("exported_at", "2026-11-27T10:00:00Z")):
        if draw(st.booleans()):
            document[key] = value
    return document


@st.composite
def hostile_documents(draw, known: Known) -> tuple[object, list[tuple]]:
    """A valid file with 1–3 positions made hostile, and the paths of those positions."""
    document, paths = draw(documents(known)), []
    entries = document["bookmarks"]
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["whole", "envelope", "unknown", "entry", "name", "state", "in state"]
                                     if entries else ["whole", "envelope", "unknown"]))
        if where == "whole":
            value = draw(json_values)
            # An object in place of the file: its keys are the positions, and "bookmarks" may be missing.
            return value, [WHOLE, ("bookmarks",), *((k,) for k in value)] if isinstance(value, dict) else [WHOLE]
        if where == "envelope":
            key = draw(st.sampled_from(ENVELOPE))
            document[key] = draw(json_values)
            paths.append((key,))
            continue
        if where == "unknown":  # a key the file format does not have is left alone
            document[draw(hostile_text.filter(lambda k: k not in ENVELOPE))] = draw(json_values)
            continue
        if not isinstance(document.get("bookmarks"), list) or document["bookmarks"] is not entries:
            continue
        index = draw(st.integers(0, len(entries) - 1))
        if where == "entry":
            entries[index] = draw(json_values)
            paths.append(("entry", index, None))
        elif not isinstance(entries[index], dict):
            continue
        elif where == "name":
            entries[index]["name"] = draw(st.one_of(hostile_text, json_values))
            paths.append(("entry", index, ("name",)))
        elif where == "state":
            entries[index]["state"] = draw(json_values)
            paths.append(("entry", index, ("state",)))
        else:
            state, state_paths = draw(hostile_states(known))
            entries[index]["state"] = state
            paths.extend(("entry", index, ("state", p)) for p in state_paths)
    return document, paths


def named(field: str, path: tuple) -> bool:
    """Whether an import error's ``field`` names the hostile position ``path`` of a file."""
    if path == WHOLE:
        return field in ("file", "format")
    if path[0] != "entry":
        return field == path[0] or (path[0] == "bookmarks" and field.startswith("bookmarks["))
    _, index, inner = path
    where = f"bookmarks[{index}]"
    if inner is None:
        return field == where or field.startswith(f"{where}.")
    if inner == ("name",):
        return field == f"{where}.name"
    if inner == ("state",):
        return field == f"{where}.state" or field.startswith(f"{where}.state.")
    if field == f"{where}.state":  # the state itself, or a key of it that is spelled "" (no name to add)
        return True
    return field.startswith(f"{where}.state.") and named_by(field.removeprefix(f"{where}.state."), inner[1])


# Properties ------------------------------------------------------------------------------------------

def rows(service: BookmarkService, viewer) -> list[tuple]:
    with service.db.session() as s:
        return [tuple(r) for r in s.execute(
            sa.select(Bookmark.id, Bookmark.name, Bookmark.name_key, Bookmark.state, Bookmark.position,
                      Bookmark.version).where(Bookmark.user_id == viewer.user_id).order_by(Bookmark.id))]


@given(data=st.data())
@scaled(1.0)
def test_himp001_a_file_is_refused_whole_naming_a_hostile_field_or_imported_clean(importer, data):
    service, viewer, known = importer
    document, paths = data.draw(hostile_documents(known))
    sent = data.draw(st.sampled_from([document, json.dumps(document), json.dumps(document).encode()]))
    if data.draw(st.integers(0, 9)) == 0:  # a file that is no JSON at all, or nested beyond any parser
        sent, paths = data.draw(st.one_of(hostile_text, st.sampled_from(NOT_JSON))), [WHOLE, ("bookmarks",)]
    before = rows(service, viewer)
    try:
        try:
            report = service.import_bookmarks(viewer, "restaurant", sent)
        except ServiceError as exc:
            assert 400 <= exc.status < 500 and exc.message
            assert exc.field is not None and any(named(exc.field, p) for p in paths), (exc.field, exc.message,
                                                                                      paths)
            assert rows(service, viewer) == before
            return
        document = json.loads(sent) if isinstance(sent, (str, bytes)) else sent
        # Only a file of this format, version and dashboard is read (a key may be left out).
        assert document.get("format", EXPORT_FORMAT) == EXPORT_FORMAT
        version = document.get("version", EXPORT_VERSION)
        assert type(version) is int and version == EXPORT_VERSION, f"read a file of version {version!r}"
        assert document.get("dashboard", known.board.id) == known.board.id
        after = rows(service, viewer)
        assert [r[0] for r in after[len(before):]] == [b.id for b in report.created]
        assert len(report.created) + len(report.skipped) == len(document["bookmarks"])
        for bookmark in service.list_bookmarks(viewer, "restaurant"):
            assert clean_name(bookmark.name) == bookmark.name
            state, notices = service.views.parse(known.board, bookmark.state, viewer, strict=True)
            assert notices == [] and state.to_dict() == bookmark.state
        again = service.import_bookmarks(viewer, "restaurant", sent)
        assert again.created == () and rows(service, viewer) == after
    finally:
        with service.db.session() as s:
            s.execute(sa.delete(Bookmark).where(Bookmark.user_id == viewer.user_id))


NEAR_MISSES = {"format": [EXPORT_FORMAT.upper(), "viewmark-presentations", ""],
               "version": [1.0, True, "1", 2, 0, [1]], "dashboard": ["gaming", "Restaurant", ["restaurant"]]}


@given(data=st.data())
@scaled(1.0)
def test_himp002_an_envelope_key_is_read_only_as_this_format_version_and_dashboard(importer, data):
    """Each key of the envelope alone, with any value: a file of another format, version or dashboard is
    refused naming that key, whatever else is right in it."""
    service, viewer, known = importer
    key = data.draw(st.sampled_from(sorted(NEAR_MISSES)))
    value = data.draw(st.one_of(st.sampled_from(NEAR_MISSES[key]), json_values))
    document = {key: value, "bookmarks": [{"name": "Fine", "state": {}}]}
    valid = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "dashboard": known.board.id}[key]
    before = rows(service, viewer)
    try:
        service.import_bookmarks(viewer, "restaurant", document)
    except ServiceError as exc:
        assert exc.status == 422 and exc.field == key, (exc.field, exc.message)
        assert rows(service, viewer) == before
    else:
        assert type(value) is type(valid) and value == valid, f"read a file with {key} = {value!r}"
    finally:
        with service.db.session() as s:
            s.execute(sa.delete(Bookmark).where(Bookmark.user_id == viewer.user_id))


@given(st.one_of(st.sampled_from(NOT_JSON), hostile_text, json_values.filter(lambda v: not isinstance(v, dict))
                 .map(json.dumps)).flatmap(lambda text: st.sampled_from([text, text.encode("utf-8", "surrogatepass")]
                                                                         if isinstance(text, str) else [text])))
@scaled(0.5)
def test_himp003_a_file_that_is_no_bookmarks_object_is_refused_as_a_file(importer, file):
    service, viewer, _ = importer
    before = rows(service, viewer)
    try:
        service.import_bookmarks(viewer, "restaurant", file)
    except ServiceError as exc:
        assert (exc.status, exc.field) in ((400, "file"), (422, "format"), (422, "bookmarks")), (exc.field,
                                                                                                exc.message)
    else:
        raise AssertionError(f"imported {file[:80]!r}")
    assert rows(service, viewer) == before
