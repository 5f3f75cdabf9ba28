"""The sharing parts of the dashboard page, built without a browser."""

from __future__ import annotations

from core import ids
from dashboards.registry import get
from shares import ui


def store_ids(parts: list) -> list:
    return [getattr(part, "id", None) for part in parts]


def test_shui001_the_link_check_exists_on_a_page_opened_from_a_link_only():
    """Without its output on the page, dash-renderer does not run the check at each change of view."""
    board = get("restaurant")
    ordinary = store_ids(ui.page_parts(board, None, None))
    shared = store_ids(ui.page_parts(board, "a-token", "Weekly revenue"))
    assert ids.SHARE_CHECK not in ordinary
    assert shared.count(ids.SHARE_CHECK) == 1
    # The rest of the sharing parts are on both pages alike.
    assert [i for i in shared if i != ids.SHARE_CHECK] == ordinary
