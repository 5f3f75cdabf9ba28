"""Hostile input for the generated tests: any JSON value, text an attacker would type, view states with any
value in any position, and how many examples an expensive property may take (the hypothesis profiles are in
``tests/conftest.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from accounts.viewer import Viewer
from declarations.model import Control, Dashboard
from views.dates import PRESETS
from views.resolve import ViewResolver

# Characters that have broken text handling somewhere: controls, bidirectional overrides and isolates,
# invisible marks, a lone surrogate (valid in JSON text, no character), characters that change length when
# case-folded or normalized, and what HTML and JSON give meaning to.
TRICKY = ("\x00", "\x1b", "\n", "\r", "\t", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u202d", "\u2066",
          "\u2067", "\u2068", "\u2069", "\u200f", "\u061c", "\u200b", "\ufeff", "\u00a0", "\ud800", "\udfff",
          "ß", "ﬃ", "ΐ", "İ", "ı", "\u0301", "\u1e9e", "Å", "\u2000", "<", ">", "&", '"', "'", "\\", "/")
SCRIPT = "<script>alert(1)</script>"

characters = st.one_of(st.characters(), st.sampled_from(TRICKY), st.characters(categories=["Cs"]))
hostile_text = st.one_of(
    st.text(characters, max_size=12),
    st.text(characters, min_size=95, max_size=110),  # either side of the 100-character limit on names
    st.sampled_from(["", " ", SCRIPT, "\u202eevil.exe", "<img src=x onerror=alert(1)>", "{{7*7}}", "${x}",
                     "NaN", "null", "[]", "{}", "1e999", "-0", "0x10"]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-2**64, max_value=2**64),
                    st.floats(), hostile_text)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=10)


def scaled(fraction: float, minimum: int = 5) -> settings:
    """Settings for a property whose examples are expensive: ``fraction`` of the profile's examples."""
    return settings(max_examples=max(minimum, int(settings.default.max_examples * fraction)))


# View states (docs/view-state.md) ------------------------------------------------------------------------

TOP = ("version", "dashboard", "sheet", "filters", "parameters")
SECTIONS = {"filters": "filter", "parameters": "parameter"}
WHOLE = ("<the state>",)


@dataclass(frozen=True)
class Known:
    """What one viewer may select on one dashboard: the raw material of valid states."""

    board: Dashboard
    viewer: Viewer
    options: dict[str, list]

    @classmethod
    def of(cls, resolver: ViewResolver, board: Dashboard, viewer: Viewer) -> Known:
        allowed = resolver.allowed_values(board, viewer)
        return cls(board, viewer, {c.id: list(allowed(c)) for c in board.controls if c.type != "date_range"})


@st.composite
def date_ranges(draw, control: Control) -> object:
    """A valid date range: a preset, or two dates overlapping the bounds (those outside are clamped)."""
    if draw(st.booleans()):
        return draw(st.sampled_from(list(PRESETS)))
    low, high = (date.fromisoformat(b) for b in control.bounds)
    start = draw(st.dates(low - timedelta(days=40), high))
    end = draw(st.dates(max(start, low), high + timedelta(days=40)))
    return [start.isoformat(), end.isoformat()]


@st.composite
def valid_value(draw, control: Control, options: list) -> object:
    if control.type == "date_range":
        return draw(date_ranges(control))
    if not options:
        return control.default
    # A value may arrive as text, as from a URL: "30" stands for the option 30.
    spelled = st.sampled_from(options).flatmap(lambda v: st.sampled_from([v, str(v)]))
    if control.type == "multi":
        return draw(st.lists(spelled, max_size=4))
    return draw(spelled)


@st.composite
def valid_states(draw, known: Known) -> dict:
    """A state the viewer may save: any subset of the keys, each with a value they may select."""
    board, state = known.board, {}
    if draw(st.booleans()):
        state["version"] = 1
    if draw(st.booleans()):
        state["dashboard"] = board.id
    if draw(st.booleans()):
        state["sheet"] = draw(st.sampled_from([s.id for s in board.sheets]))
    for section, kind in SECTIONS.items():
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from([c.id for c in board.controls_of(kind)]), unique=True))
            state[section] = {cid: draw(valid_value(board.control(cid), known.options.get(cid, [])))
                              for cid in chosen}
    return state


def hostile_values(known: Known):
    """Any JSON value, or a value that is valid somewhere else (another control's, a preset, a date)."""
    elsewhere = [v for values in known.options.values() for v in values[:3]]
    return st.one_of(json_values, st.sampled_from(elsewhere + list(PRESETS) + ["2021-02-30", "2022-12-31"]),
                     st.lists(st.sampled_from(elsewhere), max_size=3))


@st.composite
def hostile_states(draw, known: Known) -> tuple[object, list[tuple]]:
    """A valid state with 1–3 positions made hostile, and the paths of those positions."""
    state, paths = draw(valid_states(known)), []
    control_ids = st.one_of(st.sampled_from([c.id for c in known.board.controls]), hostile_text)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["whole", "top", "unknown", "control", "element"]))
        value = draw(hostile_values(known))
        if where == "whole":  # an object in place of the state: its own keys are the positions
            return value, [WHOLE, *((k,) for k in value)] if isinstance(value, dict) else [WHOLE]
        if where == "top":
            key = draw(st.sampled_from(TOP))
            state[key], path = value, (key,)
        elif where == "unknown":
            key = draw(hostile_text.filter(lambda k: k not in TOP))
            state[key], path = value, (key,)
        else:
            section = draw(st.sampled_from(list(SECTIONS)))
            if not isinstance(state.get(section), dict):
                state[section] = {}
            control_id = draw(control_ids)
            current = state[section].get(control_id)
            if where == "element" and isinstance(current, list) and current:
                current[draw(st.integers(0, len(current) - 1))] = value
            else:
                state[section][control_id] = value
            path = (section, control_id)
        paths.append(path)
    return state, paths


def encodings(raw: object):
    """The state as a decoded object (callbacks, API bodies), as JSON text (a URL) or as bytes."""
    text = json.dumps(raw)
    return st.sampled_from([raw, text, text.encode()])


def named_by(field: str, path: tuple) -> bool:
    """Whether an error's ``field`` names the hostile position ``path`` of a state."""
    if path == WHOLE:
        return field == "state"
    if len(path) == 1:
        return field == short(path[0]) or (path[0] in SECTIONS and field.startswith(f"{path[0]}."))
    section, control_id = path
    return field in (section, f"{section}.{short(control_id)}")


def short(key: str) -> str:
    """A key as errors name it: at most 60 characters, like every text a state echoes."""
    return key if len(key) <= 60 else key[:59] + "…"
