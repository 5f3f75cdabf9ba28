"""The view callback's request as dash-renderer builds it, for tests that post it themselves.

Built from the callback whose first output is the view state as it is registered — ``/_dash-dependencies``
of a client's app, or the page's callbacks registered on a bare Dash app — so it follows the callback's
outputs, inputs and states; only the components on the page and their values are the test's.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from dash import Dash

from core import ids

VIEW_OUTPUT = f"..{ids.VIEW_STATE}.data..."


@cache
def registered_view_spec() -> dict:
    """The view callback as ``/_dash-dependencies`` lists it, from the page's callbacks registered on a bare
    Dash app (an output's ``@`` suffix is derived from the callback's inputs: the same in every app)."""
    from shell import callbacks

    app = Dash(__name__)
    callbacks.register(app)
    return next(d for d in app._callback_list if d["output"].startswith(VIEW_OUTPUT))


def view_request(client, *, plain: dict[str, Any], components: dict[str, list[tuple[Any, dict[str, Any]]]],
                 changed: list[str]) -> dict:
    """What dash-renderer posts to the view callback. ``plain``: the value of each plain component's property
    (``"component-id.property"``; absent: None). ``components``: the pattern-matched components on the page by
    pattern type (``"vm-control"`` → ``[(id, {property: value})]``, ids as sent, forged or not); a pattern with
    none on the page sends an empty list. ``changed``: the changed property ids. ``client``: None for the
    callback as registered (``registered_view_spec``)."""
    spec = (registered_view_spec() if client is None else
            next(d for d in client.get("/_dash-dependencies").json if d["output"].startswith(VIEW_OUTPUT)))

    def expand(component: str, prop: str, with_value: bool):
        prop = prop.split("@")[0]
        if not component.startswith("{"):
            item = {"id": component, "property": prop}
            return {**item, "value": plain.get(f"{component}.{prop}")} if with_value else item
        items = []
        for component_id, values in components.get(json.loads(component)["type"], []):
            item = {"id": component_id, "property": prop}
            items.append({**item, "value": values.get(prop)} if with_value else item)
        return items

    outputs = [expand(*part.rpartition(".")[::2], False) for part in spec["output"].strip(".").split("...")]
    return {"output": spec["output"], "outputs": outputs, "changedPropIds": list(changed),
            "inputs": [expand(i["id"], i["property"], True) for i in spec["inputs"]],
            "state": [expand(s["id"], s["property"], True) for s in spec["state"]]}


def controls_of(client, dashboard_id: str) -> tuple[dict, dict]:
    """``(selects, dates)`` of a dashboard at their defaults: ``{id: value}`` and ``{id: [start, end]}``."""
    board = next(d for d in client.get("/api/v1/dashboards").json if d["id"] == dashboard_id)
    selects = {c["id"]: c["default"] for c in board["controls"] if c["type"] != "date_range"}
    dates = {c["id"]: list(c["default"]) for c in board["controls"] if c["type"] == "date_range"}
    return selects, dates
