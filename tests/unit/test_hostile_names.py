"""Generated hostile names (bookmarks and presentations, ``bookmarks/names.py``): anything a JSON body can
carry is either refused with a 422 naming the field, or stored as a clean name — and the names the app
makes from them (“name (2)” on import, “name (copy)” on duplicate) are clean names too."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bookmarks.models import NAME_KEY_MAX, NAME_MAX
from bookmarks.names import clean_name, name_key
from bookmarks.transfer import free_name
from core.errors import Invalid
from presentations.service import copy_name
from tests.hostile import hostile_text, json_values


def assert_clean(name: str) -> None:
    assert isinstance(name, str) and 1 <= len(name) <= NAME_MAX
    assert name == name.strip() and name == unicodedata.normalize("NFC", name)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in name), ascii(name)
    name.encode("utf-8")  # what the database stores
    assert clean_name(name) == name
    assert len(name_key(name)) <= NAME_KEY_MAX  # the column the unique index is on


@given(hostile_text)
def test_hnm001_a_name_is_refused_naming_the_field_or_stored_clean(name):
    try:
        cleaned = clean_name(name, "bookmarks[3].name")
    except Invalid as exc:
        assert exc.status == 422 and exc.field == "bookmarks[3].name" and exc.message
        return
    assert_clean(cleaned)
    assert cleaned == unicodedata.normalize("NFC", name).strip()


@given(json_values.filter(lambda v: not isinstance(v, str)))
def test_hnm002_a_name_that_is_not_text_is_refused(value):
    try:
        clean_name(value, what="presentation")
    except Invalid as exc:
        assert exc.field == "name" and exc.message == "The presentation name must be text."
    else:
        raise AssertionError(f"{value!r} was taken as a name")


@given(hostile_text)
def test_hnm003_names_differing_in_case_or_runs_of_spaces_are_one_name(name):
    try:
        cleaned = clean_name(name)
    except Invalid:
        return
    key = name_key(cleaned)
    assert name_key(cleaned.casefold()) == key
    assert name_key(" ".join(cleaned.split())) == key
    if cleaned.isascii():
        assert name_key(cleaned.swapcase()) == key


@given(hostile_text, st.lists(st.integers(1, 12), max_size=6))
def test_hnm004_numbered_and_copied_names_are_clean_and_free(name, clashes):
    try:
        cleaned = clean_name(name)
    except Invalid:
        return
    numbered = [cleaned] + [f"{cleaned[: NAME_MAX - 5].rstrip()} ({n})" for n in clashes if n > 1]
    taken = {name_key(n): "another state" for n in numbered}
    free = free_name(cleaned, taken, "this state")
    assert free is not None and name_key(free) not in taken
    assert_clean(free)
    copy = copy_name(cleaned, {name_key(f"{cleaned} (copy)")})
    assert name_key(copy) != name_key(f"{cleaned} (copy)")
    assert_clean(copy)
