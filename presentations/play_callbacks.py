"""The player's callbacks. Stepping, the timer and the address are the browser's (``present.js``): they
need no server. The server prepares the next slide while one is shown, and the browser draws it out of sight
on the slide's back stage; moving on swaps the two stages, so the next slide is on screen at once, already
drawn — no empty frame and no drawing between slides. A slide that was not prepared (a step back, a jump) is
rendered by the server and drawn on the front stage. Both come back from one request per step."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, callback_context, no_update
from dash.exceptions import PreventUpdate

from accounts.viewer import current_viewer
from core import ids
from core.errors import ServiceError
from presentations.play import load_deck, notice_list, slide_view


def register(app: Dash) -> None:
    topojson_url = app.get_asset_url("topojson/")
    slide_out = [Output(ids.PRESENT_TITLE, "children", allow_duplicate=True),
                 Output(ids.PRESENT_SUMMARY, "children", allow_duplicate=True),
                 Output(ids.PRESENT_COUNTER, "children", allow_duplicate=True),
                 Output(ids.PRESENT_NOTICES, "children", allow_duplicate=True)]

    # Buttons, keys (which press the buttons), the timer and the address → the slide to show.
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "step"),
        Output(ids.PRESENT_INDEX, "data"), Output(ids.PRESENT_ELAPSED, "data"),
        Output(ids.PRESENT_PROGRESS, "style"),
        Input(ids.PRESENT_NEXT, "n_clicks"), Input(ids.PRESENT_PREV, "n_clicks"),
        Input(ids.PRESENT_FIRST, "n_clicks"), Input(ids.PRESENT_LAST, "n_clicks"),
        Input(ids.PRESENT_TICK, "n_intervals"), Input(ids.PRESENT_GOTO, "data"),
        State(ids.PRESENT_INDEX, "data"), State(ids.PRESENT_ELAPSED, "data"), State(ids.PRESENT_DECK, "data"),
        State(ids.PRESENT_TICK, "disabled"), State(ids.PRESENT_INTERVAL, "value"), prevent_initial_call=True)

    app.clientside_callback(
        ClientsideFunction("viewmark_present", "play"),
        Output(ids.PRESENT_TICK, "disabled"), Output(ids.PRESENT_PLAY, "children"),
        Output(ids.PRESENT_PLAY, "aria-pressed"), Output(ids.PRESENT_ELAPSED, "data", allow_duplicate=True),
        Output(ids.PRESENT_PROGRESS, "style", allow_duplicate=True),
        Input(ids.PRESENT_PLAY, "n_clicks"), State(ids.PRESENT_TICK, "disabled"), prevent_initial_call=True)

    stages = Output(ids.present_stage(), "children", allow_duplicate=True)
    shown_out = Output(ids.PRESENT_SHOWN, "data")
    # The prepared slide, when it is the one asked for and its stage holds it, is swapped in without
    # waiting for the server.
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "swap"), Output(ids.present_stage(), "className"),
        Output(ids.PRESENT_STAGED, "data", allow_duplicate=True), *slide_out,
        Input(ids.PRESENT_INDEX, "data"), State(ids.PRESENT_NEXT_SLIDE, "data"), State(ids.PRESENT_STAGED, "data"),
        State(ids.present_stage(), "className"), prevent_initial_call=True)
    # The prepared slide goes to the back stage, to be drawn there; a slide rendered to be shown at once,
    # to the front one.
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "stage"), stages, Output(ids.PRESENT_STAGED, "data"),
        Input(ids.PRESENT_NEXT_SLIDE, "data"), State(ids.present_stage(), "className"), prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "place"), stages,
        Input(ids.PRESENT_SHOWN, "data"), State(ids.PRESENT_INDEX, "data"), State(ids.present_stage(), "className"),
        prevent_initial_call=True)

    @app.callback(*slide_out, shown_out, Output(ids.PRESENT_NEXT_SLIDE, "data"), Input(ids.PRESENT_INDEX, "data"),
                  State(ids.PRESENT_DECK, "data"), State(ids.PRESENT_NEXT_SLIDE, "data"),
                  prevent_initial_call="initial_duplicate")
    def show(index, ref, prepared):
        """One request per step: the slide shown (unless the prepared one was swapped in, or the page was just
        built with it) and the slide after it (the first, after the last: auto-advance loops), ready to swap in."""
        if not isinstance(index, int) or isinstance(index, bool):
            raise PreventUpdate
        shown = callback_context.triggered_id is None or (isinstance(prepared, dict)
                                                          and prepared.get("index") == index)
        viewer = current_viewer()
        try:
            deck = load_deck(viewer, ref)
        except ServiceError as exc:
            if shown:
                raise PreventUpdate from None
            return "Not available", "", "", notice_list([exc.message]), {"index": index, "body": []}, None
        slide = (no_update,) * 5 if shown else _shown(slide_view(viewer, deck, index, topojson_url))
        if len(deck.slides) < 2:
            return *slide, no_update
        upcoming = slide_view(viewer, deck, (index + 1) % len(deck.slides), topojson_url)
        upcoming["notices"] = notice_list(upcoming["notices"])
        return *slide, upcoming

    # Exit: back to the view the player was opened from, as it was.
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "exit"),
        Output(ids.URL, "pathname", allow_duplicate=True), Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PRESENT_EXIT, "n_clicks"), State(ids.PRESENT_DECK, "data"), prevent_initial_call=True)

    # Present, in a dashboard's banner: its bookmarks as slides, from the view on screen.
    app.clientside_callback(
        ClientsideFunction("viewmark_present", "open"),
        Output(ids.URL, "pathname", allow_duplicate=True), Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PRESENT_OPEN, "n_clicks"), State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)


def _shown(view: dict) -> tuple:
    """A ``slide_view`` as the slide's outputs: title, summary, counter, notices, and the slide to draw on the
    front stage."""
    return (view["title"], view["summary"], view["counter"], notice_list(view["notices"]),
            {"index": view["index"], "body": view["body"]})
