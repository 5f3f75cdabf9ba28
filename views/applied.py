"""What a view applies beyond the Original, one item per control: the applied-filter chips above a sheet
(``filter-summary``), each removable, which sets its control back to the author's default.

    State: Pennsylvania   ×      Product category: Pizza, Salads   ×      Metric: Orders   ×

A filter is applied when it differs from its default, a parameter likewise; the words are the one-line
summary's (views/summary.py), so a chip and a slide say a view the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from declarations.model import Dashboard, Option
from views.state import ViewState, original_state
from views.summary import value_words


@dataclass(frozen=True)
class Applied:
    """One control that differs from its default: ``text`` as the chip shows it (“State: Pennsylvania”)."""

    control: str
    label: str
    words: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.words}"


def applied(board: Dashboard, state: ViewState, options: Mapping[str, list[Option]],
            resolved: Mapping[str, Any] | None = None) -> list[Applied]:
    """The filters, then the parameters, whose value is not the author's default, in declaration order.

    ``options``: each select control's options as the viewer sees them (labels); ``resolved``: the filters
    as the queries see them (``QueryContext.filters``), so a relative date range says its days.
    """
    original = original_state(board)
    items = []
    for control in (*board.controls_of("filter"), *board.controls_of("parameter")):
        section, default = ((state.filters, original.filters) if control.kind == "filter"
                            else (state.parameters, original.parameters))
        value = section.get(control.id)
        if value == default.get(control.id):
            continue
        words = value_words(control, value, options, resolved)
        if words:
            items.append(Applied(control.id, control.label, words))
    return items


def without(board: Dashboard, raw: dict, control_id: Any) -> dict | None:
    """``raw`` (a state as the page's controls describe it) with ``control_id`` back at its default: left
    out, as an absent control takes the author's default. None when the dashboard has no such control."""
    declared = {c.id: c for c in board.controls}
    control = declared.get(control_id) if isinstance(control_id, str) else None
    if control is None:
        return None
    section = f"{control.kind}s"
    return {**raw, section: {k: v for k, v in (raw.get(section) or {}).items() if k != control.id}}
