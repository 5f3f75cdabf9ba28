"""The player: a deck of slides full screen — each slide a dashboard sheet in a saved view, with its name,
a one-line summary and the counter — stepped by buttons, keys or a timer (auto-advance).

Which deck it plays is a reference kept in the page (``PRESENT_DECK``): a named presentation, a dashboard's
bookmarks, or a presentation shared as a link. Every step loads the deck again for the viewer, so grants,
row restrictions and deleted bookmarks are checked on the server each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from accounts.viewer import Viewer
from core import ids
from core.errors import NotFound
from core.runtime import runtime
from dashboards import served
from views.summary import summary

INTERVALS = (5, 10, 20, 30, 60)  # seconds per slide while playing
# The slide's two stages (assets/viewmark/present.js swaps them): the front one is on screen; the back one,
# as wide but out of sight, draws the next slide while the presenter talks.
STAGE = "vm-present-stage container-fluid py-2"
FRONT = "vm-present-front"
BACK = "vm-present-back"
DEFAULT_INTERVAL = 10


@dataclass(frozen=True)
class DeckRef:
    kind: str  # "presentation", "bookmarks" or "share"
    key: Any  # the presentation id, the dashboard id or the link's token
    exit_url: str  # where Exit returns to (the view the player was opened from)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "exit": self.exit_url}


def load_deck(viewer: Viewer, ref: Any, *, count: bool = False):
    """The deck a page's ``PRESENT_DECK`` names, as this viewer may see it now (``NotFound`` otherwise);
    ``count`` records an opening of a shared link (once, when the player opens)."""
    from presentations.service import presentation_service

    if not isinstance(ref, dict):
        raise NotFound("No such presentation.")
    service = presentation_service()
    kind, key = ref.get("kind"), ref.get("key")
    if kind == "presentation":
        return service.deck(viewer, key)
    if kind == "bookmarks":
        return service.bookmarks_deck(viewer, key)
    if kind == "share":
        return service.shared_deck(viewer, key, count=count)
    raise NotFound("No such presentation.")


def slide_view(viewer: Viewer, deck, index: int, topojson_url: str) -> dict:
    """Everything one slide shows, JSON-ready: title, summary, counter, notices and the sheet itself (kept in
    the result cache per effective view, ``dashboards.served``, so a slide shown again costs no query)."""
    count = len(deck.slides)
    if not count:
        return {"index": 0, "title": deck.title, "summary": "", "counter": "0 / 0", "notices": list(deck.skipped),
                "body": empty_deck()}
    index = max(0, min(index, count - 1))
    slide = deck.slides[index]
    rt = runtime()
    board = rt.dashboards.get(slide.dashboard, viewer)
    ctx = rt.views.context(board, slide.state, viewer)
    options = rt.views.control_options(board, slide.state, viewer)
    notices = [n.message for n in slide.notices] + (list(deck.skipped) if index == 0 else [])
    line = summary(board, slide.state, options, resolved=ctx.filters)
    return {"index": index, "title": slide.name, "summary": f"{board.title} · {line}",
            "counter": f"{index + 1} / {count}", "notices": notices,
            "body": served.sheet_body(rt.dashboards, board, slide.state, viewer, topojson_url, interactive=False,
                                      ctx=ctx)}


def page(ref: DeckRef, first: dict, count: int) -> html.Div:
    """The player, showing ``first`` (a ``slide_view``); the controls sit in one bar above the slide."""
    bar = html.Div([
        html.Div([
            html.H1(first["title"], id=ids.PRESENT_TITLE, className="h4 mb-0 vm-present-title"),
            html.Div(first["summary"], id=ids.PRESENT_SUMMARY, className="small text-white-50 vm-present-summary"),
        ], className="flex-grow-1 overflow-hidden"),
        html.Div([
            html.Span(first["counter"], id=ids.PRESENT_COUNTER, className="vm-present-counter me-2",
                      **{"aria-live": "polite"}),
            _button("‹", ids.PRESENT_PREV, "Previous slide (←)"),
            _button("▶ Play", ids.PRESENT_PLAY, "Advance automatically", **{"aria-pressed": "false"}),
            dcc.Dropdown(id=ids.PRESENT_INTERVAL, options=[{"label": f"{s} s", "value": s} for s in INTERVALS],
                         value=DEFAULT_INTERVAL, clearable=False, searchable=False,
                         className="vm-present-interval"),
            _button("›", ids.PRESENT_NEXT, "Next slide (→)"),
            _button("✕ Exit", ids.PRESENT_EXIT, "Leave the presentation (Esc)"),
            html.Button(id=ids.PRESENT_FIRST, hidden=True, tabIndex="-1", **{"aria-hidden": "true"}),
            html.Button(id=ids.PRESENT_LAST, hidden=True, tabIndex="-1", **{"aria-hidden": "true"}),
        ], className="d-flex align-items-center gap-1 flex-shrink-0"),
    ], className="vm-present-bar d-flex align-items-center gap-3 px-3 py-2")
    return html.Div([
        dcc.Store(id=ids.PRESENT_DECK, data={**ref.as_dict(), "count": count}),
        dcc.Store(id=ids.PRESENT_INDEX, data=first["index"]),
        dcc.Store(id=ids.PRESENT_NEXT_SLIDE),
        dcc.Store(id=ids.PRESENT_STAGED),
        dcc.Store(id=ids.PRESENT_SHOWN),
        dcc.Store(id=ids.PRESENT_ELAPSED, data=0),
        dcc.Store(id=ids.PRESENT_GOTO),
        dcc.Interval(id=ids.PRESENT_TICK, interval=1000, disabled=True),
        bar,
        html.Div(html.Div(id=ids.PRESENT_PROGRESS, className="vm-present-progress-fill"),
                 className="vm-present-progress", role="progressbar",
                 **{"aria-label": "Time left on this slide"}),
        html.Div(notice_list(first["notices"]), id=ids.PRESENT_NOTICES, **{"aria-live": "polite"}),
        html.Main([html.Div(first["body"], id=ids.present_stage(0), className=f"{STAGE} {FRONT}"),
                   html.Div([], id=ids.present_stage(1), className=f"{STAGE} {BACK}")],
                  id=ids.PRESENT_SLIDE, className="vm-present-slide"),
    ], id=ids.PRESENT_ROOT, className="vm-present", tabIndex="-1")


def banner_tools() -> list:
    """*Present*, in a dashboard's banner: the dashboard's bookmarks as slides, full screen."""
    return [html.Button([html.Span("▶", **{"aria-hidden": "true"}),
                         html.Span("Present", className="vm-tool-label ms-1")],
                        id=ids.PRESENT_OPEN, type="button", title="Present your bookmarks of this dashboard",
                        className="btn btn-outline-light btn-sm", **{"aria-label": "Present your bookmarks"})]


def unavailable(message: str, exit_url: str = "/") -> html.Div:
    return html.Div([
        html.H1("This presentation cannot be shown", className="h4"),
        html.P(message),
        dcc.Link("Back", href=exit_url),
    ], className="container py-4 vm-present-unavailable")


def empty_deck() -> html.Div:
    return html.Div([
        html.Div("There are no slides to show.", className="fw-semibold"),
        html.Div("Save some views as bookmarks, then present them.", className="small"),
    ], className="vm-empty text-secondary text-center py-5", role="status")


def notice_list(notices: list[str]):
    if not notices:
        return []
    return dbc.Alert(html.Ul([html.Li(n) for n in notices], className="mb-0"), color="warning", dismissable=True,
                     className="vm-notice py-2 mx-3 mt-2")


def _button(label: str, component_id: str, title: str, **kwargs) -> html.Button:
    return html.Button(label, id=component_id, type="button", title=title, n_clicks=0,
                       className="btn btn-outline-light btn-sm vm-present-button", **kwargs)
