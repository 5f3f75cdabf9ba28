"""Click-to-filter: a click on a graph's mark sets the filter its visual declares (``Visual.click_filter``).

The value comes from the clicked point's ``customdata``, where the figure put the filter value as the option
stores it, never from the label shown: labels change, and a forged click may carry anything. What a click
yields is only a raw state; ``ViewResolver.parse`` validates it like any control change, so an unknown
value or one outside the viewer's row restrictions is dropped with a notice (docs/view-state.md).
"""

from __future__ import annotations

from typing import Any

from declarations.model import Dashboard

#: A clicked value longer than this cannot be an option: it is ignored rather than quoted in a notice.
MAX_VALUE_CHARS = 200


def clicked_value(click_data: Any) -> str | int | None:
    """The filter value a click carries: the first item of the clicked point's ``customdata`` (or the item
    itself, as a heatmap cell sends it); None when the click carries no usable value."""
    points = click_data.get("points") if isinstance(click_data, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    custom = point.get("customdata") if isinstance(point, dict) else None
    value = custom[0] if isinstance(custom, list) and custom else custom
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if isinstance(value, str) and not 0 < len(value) <= MAX_VALUE_CHARS:
        return None
    return value


def click(board: Dashboard, raw: dict, visual_id: Any, click_data: Any) -> dict | None:
    """``raw`` (the state the page's controls describe) with the clicked visual's filter set to the clicked
    value alone — or cleared when that value was already its only one, so a second click undoes the first.

    None when the click sets nothing: no visual of this dashboard by that id declares a click filter, or
    the click carries no value.
    """
    try:
        visual = board.visual(visual_id) if isinstance(visual_id, str) else None
    except KeyError:
        return None
    value = clicked_value(click_data)
    if visual is None or visual.click_filter is None or value is None:
        return None
    filters = dict(raw.get("filters") or {})
    current = filters.get(visual.click_filter)
    again = isinstance(current, list) and len(current) == 1 and str(current[0]) == str(value)
    filters[visual.click_filter] = [] if again else [value]
    return {**raw, "filters": filters}
