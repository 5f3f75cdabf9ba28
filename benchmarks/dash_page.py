"""A browser's side of Dash without a browser: the page as dash-renderer holds it, and the callback requests
it sends when something on the page changes.

The load scenario (``benchmarks.scenario``) drives pages through this, so what reaches the server is what a
browser sends: the same callbacks, with the same triggers and the same pattern-matched component lists,
one after another where a browser sends some side by side. It follows dash-renderer's rules
(``getUnfilteredLayoutCallbacks`` and the callback queue in dash-renderer):

* on a new page, the callbacks whose outputs are in the layout fire, unless ``prevent_initial_call`` or
  none of their inputs is on the page;
* a chunk of layout that appears (a ``children`` answered) fires the callbacks whose outputs are in it
  (with the same two exceptions) and, whatever ``prevent_initial_call`` says, those with an input in it and
  an output outside it — which is how a callback with an ``ALL`` input hears of graphs and chips drawn anew;
* a property that changes (the user's, or a callback's answer) fires the callbacks that take it as input;
* a callback waits while another one still to run may change one of its inputs, then runs once;
* in one chain of callbacks, none runs twice.

Checked against headless Chromium: opening a dashboard, opening the bookmark pane, applying a bookmark and
opening a link that is gone send the same callbacks, with the same triggers, as these rules produce
(``tests/integration/test_load_scenario.py`` keeps them so).

Clientside callbacks run in the browser and send nothing: they are left out, and a flow that depends on
one (the player's step) sets the property the clientside callback would set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

UPDATE_PATH = "/_dash-update-component"
# A pattern's wildcard as ``/_dash-dependencies`` writes it: ``{"type": "vm-control", "control": WILD}``.
WILD = ["ALL"]
# Enough for any chain of callbacks these pages have; a longer one would be a loop between callbacks.
MAX_WAVES = 8

ComponentId = str | dict


def id_key(component_id: ComponentId) -> str:
    """The id as dash-renderer and Dash write it in requests and answers (sorted keys, no spaces)."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _parse_id(text: str) -> ComponentId:
    return json.loads(text) if text.startswith("{") else text


def _matches(pattern: dict, component_id: Any) -> bool:
    """Whether a pattern (``{"type": "vm-control", "control": ["ALL"]}``) names the component."""
    if not isinstance(component_id, dict) or pattern.keys() != component_id.keys():
        return False
    return all(isinstance(want, list) or want == component_id[key] for key, want in pattern.items())


@dataclass(frozen=True)
class Dependency:
    id: ComponentId  # a string, or a pattern whose wildcard values are lists (["ALL"])
    prop: str

    @property
    def is_pattern(self) -> bool:
        return isinstance(self.id, dict)


@dataclass(frozen=True)
class Callback:
    """One server callback as ``/_dash-dependencies`` describes it."""

    output: str  # as Dash writes it, sent back verbatim
    outputs: tuple[Dependency, ...]
    inputs: tuple[Dependency, ...]
    state: tuple[Dependency, ...]
    prevent_initial_call: bool
    multi: bool

    @classmethod
    def of(cls, spec: dict) -> Callback:
        output = spec["output"]
        multi = output.startswith("..")
        parts = output[2:-2].split("...") if multi else [output]
        outputs = []
        for part in parts:
            component, _, prop = part.rpartition(".")
            outputs.append(Dependency(_parse_id(component), prop.split("@")[0]))
        return cls(output=output, outputs=tuple(outputs),
                   inputs=tuple(Dependency(_parse_id(i["id"]), i["property"]) for i in spec["inputs"]),
                   state=tuple(Dependency(_parse_id(s["id"]), s["property"]) for s in spec["state"]),
                   prevent_initial_call=bool(spec.get("prevent_initial_call")), multi=multi)

    @property
    def first_output(self) -> str:
        dep = self.outputs[0]
        return f"{id_key(dep.id)}.{dep.prop}"


def server_callbacks(dependencies: list[dict]) -> list[Callback]:
    return [Callback.of(spec) for spec in dependencies if not spec.get("clientside_function")]


def components(tree: Any) -> Iterator[dict]:
    """Every component with an id in a layout (sub)tree, in layout order.

    Only props that hold components are walked: a store's data or a figure is a value, never a layout,
    even when it contains something that looks like one (a prepared slide).
    """
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not (isinstance(node, dict) and "props" in node and "type" in node):
            continue
        props = node["props"]
        if props.get("id") is not None:
            yield node
        children = [value for value in props.values() if _holds_components(value)]
        stack.extend(reversed(children))


def _holds_components(value: Any) -> bool:
    if isinstance(value, dict):
        return "props" in value and "type" in value
    return isinstance(value, list) and any(isinstance(v, dict) and "props" in v and "type" in v for v in value)


class Refused(Exception):
    """The page is not as its caller expects (a component it names is not on it), or its callbacks keep
    firing one another."""


#: Sends one callback request: ``(callback's name, request body) -> the answer's JSON, or None for 204``.
Post = Callable[[str, dict], dict | None]


@dataclass
class Fired:
    callback: Callback
    answer: dict | None  # the ``response`` part of the answer; None when the callback did not update


@dataclass
class Page:
    """One page load: the layout with every answer applied. ``post`` sends the requests."""

    layout: dict
    callbacks: list[Callback]
    post: Post
    name_of: Callable[[Callback], str] = field(default=lambda cb: cb.first_output)
    _index: dict[str, dict] | None = None
    _reach: dict[int, set[int]] | None = None

    # Reading the page ---------------------------------------------------------------------------------

    def index(self) -> dict[str, dict]:
        if self._index is None:
            self._index = {id_key(c["props"]["id"]): c for c in components(self.layout)}
        return self._index

    def has(self, component_id: ComponentId) -> bool:
        return id_key(component_id) in self.index()

    def value(self, component_id: ComponentId, prop: str, default: Any = None) -> Any:
        component = self.index().get(id_key(component_id))
        return default if component is None else component["props"].get(prop, default)

    def find(self, pattern: dict) -> list[dict]:
        """The components a pattern names, in layout order (their props)."""
        return [c["props"] for c in self.index().values() if _matches(pattern, c["props"]["id"])]

    # What the user does -------------------------------------------------------------------------------

    def start(self, pathname: str, search: str | None = None) -> list[Fired]:
        """The page as loaded at ``pathname``: the initial callbacks, and all that follows from them."""
        locations = [key for key, c in self.index().items() if c["type"] == "Location"]
        for key in locations:
            self.set(key, "pathname", pathname)
            self.set(key, "search", search)
        # dcc.Location sets its properties once mounted: they arrive as changed, not as an initial call.
        initial = [(cb, {f"{dep.id}.{dep.prop}" for dep in cb.inputs if dep.id in locations})
                   for cb in self.callbacks
                   if not cb.prevent_initial_call and self._outputs_present(cb) and self._inputs_present(cb)
                   and any(self._resolve_ids(dep) for dep in cb.outputs)]
        return self._settle(initial)

    def change(self, component_id: ComponentId, prop: str, value: Any) -> list[Fired]:
        """The user changes a property (a control's value, a button's ``n_clicks``); every callback that
        follows runs, in dash-renderer's order. Returns them with their answers."""
        self.set(component_id, prop, value)
        return self._settle(self._taking(id_key(component_id), prop, source=None))

    def click(self, component_id: ComponentId) -> list[Fired]:
        return self.change(component_id, "n_clicks", (self.value(component_id, "n_clicks") or 0) + 1)

    def set(self, component_id: ComponentId, prop: str, value: Any) -> None:
        """A property set without firing anything (what a clientside callback or typing does)."""
        key = id_key(component_id)
        component = self.index().get(key)
        if component is None:
            raise Refused(f"the page has no component {key}")
        component["props"][prop] = value
        if _holds_components(value) or prop == "children":
            self._index = None

    # Requests -----------------------------------------------------------------------------------------

    def body(self, cb: Callback, changed: set[str]) -> dict:
        outputs = [self._resolve(dep, with_value=False) for dep in cb.outputs]
        body = {"output": cb.output, "outputs": outputs if cb.multi else outputs[0],
                "inputs": [self._resolve(dep) for dep in cb.inputs], "changedPropIds": sorted(changed)}
        if cb.state:
            body["state"] = [self._resolve(dep) for dep in cb.state]
        return body

    def _resolve(self, dep: Dependency, with_value: bool = True):
        def item(component: dict) -> dict:
            out = {"id": component["props"]["id"], "property": dep.prop}
            if with_value and dep.prop in component["props"]:
                out["value"] = component["props"][dep.prop]
            return out

        if dep.is_pattern:
            return [item(c) for c in self.index().values() if _matches(dep.id, c["props"]["id"])]
        component = self.index().get(dep.id)
        return item(component) if component is not None else {"id": dep.id, "property": dep.prop}

    def _resolve_ids(self, dep: Dependency) -> list[str]:
        if dep.is_pattern:
            return [key for key, c in self.index().items() if _matches(dep.id, c["props"]["id"])]
        return [dep.id] if dep.id in self.index() else []

    def _outputs_present(self, cb: Callback) -> bool:
        return all(dep.is_pattern or dep.id in self.index() for dep in cb.outputs)

    def _inputs_present(self, cb: Callback) -> bool:
        """dash-renderer does not fire a callback none of whose inputs is on the page (a pattern-matched
        input counts as present: an empty list is a value)."""
        return any(dep.is_pattern or dep.id in self.index() for dep in cb.inputs)

    def _taking(self, key: str, prop: str, source: Callback | None) -> list[tuple[Callback, set[str]]]:
        component_id = self.index()[key]["props"]["id"] if key in self.index() else key
        found = []
        for cb in self.callbacks:
            if cb is source:
                continue
            for dep in cb.inputs:
                if dep.prop == prop and (dep.id == key if not dep.is_pattern else _matches(dep.id, component_id)):
                    found.append((cb, {f"{key}.{prop}"}))
                    break
        return found

    def _appeared(self, chunk: Any) -> list[tuple[Callback, set[str]]]:
        """The callbacks a new chunk of layout fires (the rules in the module's docstring)."""
        inside = {id_key(c["props"]["id"]): c["props"]["id"] for c in components(chunk)}
        if not inside:
            return []
        found = []
        for cb in self.callbacks:
            outputs = [key for dep in cb.outputs for key in self._resolve_ids(dep)]
            if not self._outputs_present(cb) or not outputs:
                continue
            outputs_inside = [key in inside for key in outputs]
            if any(outputs_inside) and not cb.prevent_initial_call and self._inputs_present(cb):
                found.append((cb, set()))
                continue
            if all(outputs_inside):
                continue
            changed = {f"{key}.{dep.prop}" for dep in cb.inputs for key, cid in inside.items()
                       if (dep.id == key if not dep.is_pattern else _matches(dep.id, cid))}
            if changed:
                found.append((cb, changed))
        return found

    def _settle(self, wave: list[tuple[Callback, set[str]]]) -> list[Fired]:
        """Runs ``wave`` and what follows from it, as dash-renderer orders it: a callback waits while
        another one still to run may change one of its inputs (then runs once, with both changes), and runs
        at most once in one chain (a control's callback re-rendering the graphs whose clicks are its inputs
        does not fire it again)."""
        fired: list[Fired] = []
        ran: set[int] = set()
        pending: dict[int, tuple[Callback, set[str]]] = {}
        for _ in range(MAX_WAVES):
            for cb, changed in wave:
                if id(cb) not in ran:
                    pending.setdefault(id(cb), (cb, set()))[1].update(changed)
            if not pending:
                return fired
            ready = {key: item for key, item in pending.items()
                     if not any(key != other and self._feeds(other, key) for other in pending)}
            ready = ready or dict(pending)  # waiting on one another: all at once, as dash-renderer would
            for key in ready:
                del pending[key]
            ran.update(ready)
            wave = []
            for cb, changed in ready.values():
                if not self._outputs_present(cb):
                    continue  # an earlier answer took its outputs off the page
                answer = self.post(self.name_of(cb), self.body(cb, changed))
                response = None if answer is None else answer.get("response", {})
                fired.append(Fired(cb, response))
                for key, props in (response or {}).items():
                    if key not in self.index():
                        continue  # answered for a component the page no longer shows
                    for prop, value in props.items():
                        self.set(_parse_id(key), prop, value)
                        wave.extend(self._taking(key, prop, source=cb))
                        if prop == "children":
                            wave.extend(self._appeared(value))
        raise Refused(f"callbacks still firing after {MAX_WAVES} rounds")

    def _feeds(self, source: int, target: int) -> bool:
        """Whether the callback ``source`` can change an input of ``target``, directly or through others."""
        if self._reach is None:
            by_id = {id(cb): cb for cb in self.callbacks}
            direct = {a: {b for b in by_id if b != a and _touches(by_id[a].outputs, by_id[b].inputs)} for a in by_id}
            self._reach = {}
            for a in by_id:
                seen, todo = set(), list(direct[a])
                while todo:
                    b = todo.pop()
                    if b not in seen:
                        seen.add(b)
                        todo.extend(direct[b])
                self._reach[a] = seen
        return target in self._reach.get(source, ())


def _touches(outputs: tuple[Dependency, ...], inputs: tuple[Dependency, ...]) -> bool:
    return any(o.prop == i.prop and o.id == i.id for o in outputs for i in inputs)
