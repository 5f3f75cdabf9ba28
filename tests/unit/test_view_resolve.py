"""Viewer-aware resolution: row restrictions narrow what a viewer reads, and refuse what they write."""

from __future__ import annotations

import pytest

from accounts.viewer import Viewer
from core.errors import Invalid
from dashboards import registry
from views.resolve import ViewResolver

PARTNER = Viewer("partner", frozenset({"gaming"}), ("aurora",), user_id=3)
ANALYST = Viewer("analyst", None, None, user_id=1)


@pytest.fixture(scope="module")
def resolver(small_data):
    return ViewResolver(small_data.engine)


def test_vres001_a_restricted_viewer_reads_a_colleagues_view_narrowed_with_a_notice(resolver):
    board = registry.get("gaming")
    state, notices = resolver.parse(board, {"filters": {"brand": ["aurora", "nova"]}}, PARTNER, strict=False)
    assert state.filters["brand"] == ["aurora"]
    assert [n.field for n in notices] == ["filters.brand"]
    assert "narrowed" in notices[0].message and "“nova”" in notices[0].message


def test_vres002_only_hidden_brands_leave_the_filter_at_all_the_viewer_may_see(resolver):
    board = registry.get("gaming")
    state, notices = resolver.parse(board, {"filters": {"brand": ["nova", "tidal"]}}, PARTNER, strict=False)
    assert state.filters["brand"] == [] and len(notices) == 1 and "narrowed" in notices[0].message


def test_vres003_writing_another_brand_is_refused_and_unrestricted_viewers_keep_everything(resolver):
    board = registry.get("gaming")
    with pytest.raises(Invalid) as refused:
        resolver.parse(board, {"filters": {"brand": ["aurora", "nova"]}}, PARTNER, strict=True)
    assert refused.value.field == "filters.brand"
    state, notices = resolver.parse(board, {"filters": {"brand": ["aurora", "nova"]}}, ANALYST, strict=False)
    assert state.filters["brand"] == ["aurora", "nova"] and notices == []
