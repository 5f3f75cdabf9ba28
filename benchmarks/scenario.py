"""Sessions of signed-in users, for locust: what people and scripts do with Viewmark all day.

    locust -f benchmarks/scenario.py --headless -H http://127.0.0.1:8050 -u 20 -t 60s

(``python -m benchmarks.soak`` runs it for you, against an app it starts; the roster of users comes from the
file named by ``VIEWMARK_LOAD_ROSTER``, which the runner writes.)

* **Browser users** sign in through the form (CSRF token and all) and use the pages as dash-renderer does
  (``benchmarks.dash_page``): open a dashboard, change filters and sheets, apply, add, update and delete
  bookmarks in the pane, share the view, open links others shared, play their bookmarks or a shared
  presentation. Some are restricted to one brand of the iGaming dashboard.
* **API users** call ``/api/v1`` with a personal token: read sheets' data for random views, create,
  change and delete bookmarks (with an ``Idempotency-Key``, as a careful client does), share bookmarks,
  save others' links as bookmarks, compose, share and delete presentations.

Every request names its kind (``page …``, ``dash …``, ``api …``) for the statistics. An answer that is not
what the page or the client expects (a status, or a toast saying "Not done") is a failure. Each user tells
the ledger what it was told about its bookmarks; ``benchmarks.soak`` compares the ledger with the database.
At the end, the ledger and every request's timing go to ``VIEWMARK_LOAD_OUT``.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from locust import HttpUser, between, events, task
from locust.exception import RescheduleTask

from benchmarks.dash_page import UPDATE_PATH, WILD, Callback, Page, Refused, id_key, server_callbacks
from core import ids
from dashboards import registry

ROSTER = Path(os.environ.get("VIEWMARK_LOAD_ROSTER", "roster.json"))
OUT = Path(os.environ.get("VIEWMARK_LOAD_OUT", "."))
THINK = tuple(float(s) for s in os.environ.get("VIEWMARK_LOAD_THINK", "1-3").split("-"))
TIMEOUT_S = 60
CHECK = "CHECK"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Kept below what the app allows (shares.service.CREATE_LIMIT links an hour; bookmarks per dashboard).
LINKS_PER_HOUR = 100
BOOKMARKS_KEPT = 12
PRESENTATIONS_KEPT = 3
SLIDES_PLAYED = 4


class Failed(Exception):
    """An answer the client did not expect (already counted as the request's failure), or none at all."""

    def __init__(self, problem: str, answered: bool = True):
        super().__init__(problem)
        self.answered = answered


# Shared between the users of this process --------------------------------------------------------------

_roster = json.loads(ROSTER.read_text()) if ROSTER.exists() else {"users": []}
_unclaimed = {kind: deque(u for u in _roster["users"] if u["kind"] == kind) for kind in ("browser", "api")}
# Links made during the run, by dashboard ("presentation" for presentations), for others to open.
LINKS: dict[str, list[str]] = {"restaurant": [], "gaming": [], "presentation": []}
REVOKED: set[str] = set()


class Ledger:
    """What the clients were told about their bookmarks; compared with the database afterwards."""

    def __init__(self):
        self.created: dict[int, dict] = {}  # id -> {user, dashboard, name}
        self.versions: dict[int, int] = {}  # id -> the version last answered
        self.deleted: set[int] = set()
        self.unanswered: list[dict] = []  # changes sent whose answer never came: their outcome is unknown

    @contextmanager
    def asking(self, user: str, what: str, **details) -> Iterator[None]:
        """Around a request that changes bookmarks: unless an answer comes back (any status), the request
        stays listed as unanswered."""
        entry = {"user": user, "what": what, **details, "at": time.time()}
        self.unanswered.append(entry)
        try:
            yield
        except Failed as exc:
            if exc.answered:
                self.unanswered.remove(entry)
            raise
        self.unanswered.remove(entry)

    def saved(self, user: str, dashboard: str, bookmark: dict) -> None:
        self.created[bookmark["id"]] = {"user": user, "dashboard": dashboard, "name": bookmark["name"]}
        self.versions[bookmark["id"]] = bookmark["version"]

    def changed(self, bookmark_id: int, version: int, name: str | None = None) -> None:
        self.versions[bookmark_id] = version
        if name is not None:
            self.created[bookmark_id]["name"] = name

    def removed(self, bookmark_id: int) -> None:
        self.deleted.add(bookmark_id)

    def as_dict(self) -> dict:
        return {"created": {str(k): v for k, v in self.created.items()},
                "versions": {str(k): v for k, v in self.versions.items()},
                "deleted": sorted(self.deleted), "unanswered": self.unanswered}


LEDGER = Ledger()
# (start, name, ms, problem or None); a check of an answer's content (``CHECK``) has no time, only its outcome.
TIMINGS: list[tuple[float, str, float | None, str | None]] = []


@events.request.add_listener
def _timing(request_type, name, response_time, response_length, exception=None, start_time=None, **_kwargs):
    TIMINGS.append((start_time or time.time(), name, None if request_type == CHECK else response_time,
                    None if exception is None else str(exception)[:300]))


STARTED: list[str] = []  # the users whose session began (signed in, or read the dashboards with a token)


@events.user_error.add_listener
def _crash(user_instance, exception, tb, **_kwargs):
    """An exception no task caught (a defect of the scenario or an answer it cannot read): a failure too."""
    TIMINGS.append((time.time(), "user error", None, f"{type(exception).__name__}: {str(exception)[:300]}"))


@events.quitting.add_listener
def _write(environment, **_kwargs):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ledger.json").write_text(json.dumps({**LEDGER.as_dict(), "started": STARTED, "ended": time.time()}))
    (OUT / "requests.json").write_text(json.dumps(TIMINGS))


# The users -----------------------------------------------------------------------------------------------

class Client(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(*THINK) if len(THINK) == 2 else between(THINK[0], THINK[0])

    def on_start(self) -> None:
        self.me = _unclaimed[self.kind].popleft()
        self.name = self.me["username"]
        self.rng = random.Random(self.name)
        self.made_links: deque[float] = deque()
        self.counter = 0

    def send(self, method: str, path: str, name: str, *, expect=(200,), check=None, **kwargs):
        """One request; any other status, or ``check`` returning a problem, is a failure (and ``Failed``)."""
        kwargs.setdefault("allow_redirects", False)
        with self.client.request(method, path, name=name, catch_response=True, timeout=TIMEOUT_S,
                                 **kwargs) as response:
            problem = None
            if response.status_code not in expect:
                problem = f"{response.status_code} (expected {'/'.join(map(str, expect))}): {response.text[:300]}"
            elif check is not None:
                problem = check(response)
            if problem:
                response.failure(problem)
            else:
                response.success()
        if problem:
            # Status 0: the connection failed or timed out, so nothing is known of what the server did.
            raise Failed(problem, answered=response.status_code != 0)
        return response

    def count(self, problem: str) -> None:
        """A failure found in an answer's content (its status was right), for the statistics."""
        self.environment.events.request.fire(request_type=CHECK, name="dash answer", response_time=0,
                                             response_length=0, exception=Failed(problem), context={})

    def new_name(self) -> str:
        self.counter += 1
        return f"soak {self.name} {self.counter}"

    def may_link(self) -> bool:
        hour_ago = time.monotonic() - 3600
        while self.made_links and self.made_links[0] < hour_ago:
            self.made_links.popleft()
        return len(self.made_links) < LINKS_PER_HOUR

    def linked(self, dashboard: str, token: str) -> None:
        self.made_links.append(time.monotonic())
        if token not in LINKS[dashboard]:
            LINKS[dashboard].append(token)

    def link_to_open(self, kinds) -> str | None:
        tokens = [t for kind in kinds for t in LINKS[kind] if t not in REVOKED]
        return self.rng.choice(tokens) if tokens else None


def gone_if_revoked(token: str):
    """A 404 for a link is right only when its owner revoked it."""
    def check(response):
        return f"link {token[:8]}… answered 404" if response.status_code == 404 and token not in REVOKED else None
    return check


def _toast_failed(fired) -> str | None:
    for one in fired:
        toast = (one.answer or {}).get(ids.BOOKMARK_TOASTS, {}).get("children")
        props = toast.get("props", {}) if isinstance(toast, dict) else {}
        if "vm-toast-danger" in str(props.get("class_name", "")):
            return f"the pane said: {props.get('children')}"
    return None


# The view's callback answers the view state, the controls, the chips and the sheet in one request.
NAMES = {f"{ids.PAGE}.children": "route", f"{ids.VIEW_STATE}.data": "view",
         f"{ids.BANNER_TITLE}.children": "track", f"{ids.CSV_DOWNLOAD}.data": "csv",
         f"{ids.PRESENT_TITLE}.children": "slide",
         f"{ids.BOOKMARKS_PANE}.is_open": "open pane", f"{ids.RENAME_DIALOG}.is_open": "bookmark dialog",
         f"{ids.DELETE_DIALOG}.is_open": "bookmark delete", f"{ids.SHARE_DIALOG}.is_open": "share dialog"}
# A bookmark applied is the view's request; the pane's other actions (default, move) are one callback's.
INPUT_NAMES = {ids.BOOKMARK_ADD_REQUEST: "bookmark add", ids.BOOKMARK_UPDATE_REQUEST: "bookmark update",
               ids.BOOKMARK_ACT_REQUEST: "bookmark act",
               ids.BOOKMARKS_IMPORT: "bookmark import", ids.RENAME_SAVE: "bookmark rename"}


def callback_name(cb: Callback) -> str:
    """A short, stable name per callback for the statistics."""
    name = NAMES.get(cb.first_output) or INPUT_NAMES.get(id_key(cb.inputs[0].id) if cb.inputs else "")
    if name is None:
        first = cb.inputs[0].id if cb.inputs else cb.first_output
        name = first if isinstance(first, str) else " ".join(str(v) for v in first.values() if isinstance(v, str))
    return f"dash {name}"


class BrowserUser(Client):
    """A person in a browser: signs in, opens pages and works with them through Dash callbacks."""

    kind = "browser"
    fixed_count = sum(1 for u in _roster["users"] if u["kind"] == "browser")

    def on_start(self) -> None:
        super().on_start()
        self.page: Page | None = None
        form = self.send("GET", "/login", "page /login")
        token = CSRF_FIELD.search(form.text)
        self.send("POST", "/login", "sign in", expect=(303,),
                  data={"username": self.name, "password": self.me["password"],
                        "csrf_token": token.group(1) if token else "", "next": "/"})
        STARTED.append(self.name)
        self.open(f"/dashboards/{self.rng.choice(self.me['dashboards'])}", "page /dashboards/[d]")

    # Pages ----------------------------------------------------------------------------------------------

    def post_callback(self, name: str, body: dict) -> dict | None:
        response = self.send("POST", UPDATE_PATH, name, expect=(200, 204), json=body,
                             headers={"X-CSRFToken": self.client.cookies.get("_csrf_token", "")})
        return response.json() if response.status_code == 200 else None

    def open(self, path: str, name: str, search: str | None = None, *, check=None) -> Page:
        """A full page load: the document, Dash's layout and dependencies, then every initial callback."""
        self.page = None
        self.send("GET", path + (search or ""), name, expect=(200, 404) if check else (200,), check=check)
        layout = self.send("GET", "/_dash-layout", "dash layout").json()
        callbacks = server_callbacks(self.send("GET", "/_dash-dependencies", "dash dependencies").json())
        page = Page(layout, callbacks, self.post_callback, name_of=callback_name)
        page.start(path, search)
        self.page = page
        return page

    def dashboard(self) -> Page:
        """The dashboard page on screen, opening one if the user is elsewhere."""
        if self.page is None or not self.page.has(ids.VIEW_STATE):
            self.open(f"/dashboards/{self.rng.choice(self.me['dashboards'])}", "page /dashboards/[d]")
        return self.page

    def attempt(self, fn) -> None:
        try:
            fn()
        except Failed:
            self.page = None  # what is on screen is unknown now: the next action loads a page afresh
            raise RescheduleTask() from None
        except Refused as exc:  # the page is not what the scenario expects: counted, then as above
            self.page = None
            self.count(f"the page: {exc}")
            raise RescheduleTask() from None

    @task(3)
    def open_dashboard(self):
        self.attempt(lambda: self.open(f"/dashboards/{self.rng.choice(self.me['dashboards'])}", "page /dashboards/[d]"))

    @task(8)
    def change_filter(self):
        def change():
            page = self.dashboard()
            controls = page.find(ids.control(WILD)) + page.find(ids.date_preset(WILD))
            control = self.rng.choice(controls)
            options = [o["value"] if isinstance(o, dict) else o for o in control.get("options") or []]
            if not options:
                return
            if control.get("multi"):
                value = self.rng.sample(options, k=min(len(options), self.rng.choice((0, 1, 1, 2))))
            else:
                value = self.rng.choice(options)
            page.change(control["id"], "value", value)
        self.attempt(change)

    @task(2)
    def change_sheet(self):
        def change():
            page = self.dashboard()
            tabs = page.value(ids.SHEET_TABS, "children") or []
            sheets = [t["props"]["value"] for t in tabs if isinstance(t, dict) and "value" in t.get("props", {})]
            page.change(ids.SHEET_TABS, "value", self.rng.choice(sheets))
        self.attempt(change)

    def pane(self) -> Page:
        page = self.dashboard()
        if not page.value(ids.BOOKMARKS_PANE, "is_open"):
            page.click(ids.BOOKMARKS_TOGGLE)
        return page

    def saved(self, page: Page) -> list[int]:
        return [int(k) for k in (page.value(ids.BOOKMARK_VERSIONS, "data") or {})]

    @task(3)
    def apply_bookmark(self):
        def apply():
            page = self.pane()
            choices = [*self.saved(page), ids.ORIGINAL_BOOKMARK]
            # The click's clientside callback sets which bookmark, for the view's callback.
            fired = page.change(ids.BOOKMARK_APPLY_REQUEST, "data",
                                {"bookmark": self.rng.choice(choices), "at": int(time.time() * 1000)})
            self.fail_if(_toast_failed(fired))
        self.attempt(apply)

    @task(2)
    def add_bookmark(self):
        def add():
            page = self.pane()
            if len(self.saved(page)) >= BOOKMARKS_KEPT:
                return self.delete_one(page)
            name = self.new_name()
            page.set(ids.BOOKMARK_NAME, "value", name)
            board = page.value(ids.DASHBOARD_ID, "data")
            with LEDGER.asking(self.name, "add", name=name):
                # Add's clientside callback sets the request: the name and the view on screen.
                fired = page.change(ids.BOOKMARK_ADD_REQUEST, "data", {
                    "name": name, "state": page.value(ids.VIEW_STATE, "data"), "at": int(time.time() * 1000)})
            self.fail_if(_toast_failed(fired))
            active = page.value(ids.ACTIVE_BOOKMARK, "data")
            if not active or active.get("name") != name:
                self.fail_if(f"the pane did not show “{name}” as saved")
            LEDGER.saved(self.name, board, active)
        self.attempt(add)

    @task(1)
    def update_bookmark(self):
        def update():
            page = self.pane()
            mine = self.saved(page)
            if not mine:
                return
            bookmark = self.rng.choice(mine)
            with LEDGER.asking(self.name, "update", id=bookmark):
                # Update's clientside callback sets the request: the bookmark and the view on screen.
                fired = page.change(ids.BOOKMARK_UPDATE_REQUEST, "data", {
                    "bookmark": bookmark, "state": page.value(ids.VIEW_STATE, "data"),
                    "at": int(time.time() * 1000)})
            self.fail_if(_toast_failed(fired))
            LEDGER.changed(bookmark, (page.value(ids.BOOKMARK_VERSIONS, "data") or {})[str(bookmark)])
        self.attempt(update)

    @task(1)
    def delete_bookmark(self):
        self.attempt(lambda: self.delete_one(self.pane()))

    def delete_one(self, page: Page) -> None:
        mine = self.saved(page)
        if not mine:
            return
        bookmark = self.rng.choice(mine)
        # Delete… sets which bookmark (assets/viewmark/clicks.js); its callback opens the dialog.
        asked = {"action": "delete", "bookmark": bookmark, "at": int(time.time() * 1000)}
        self.fail_if(_toast_failed(page.change(ids.BOOKMARK_DIALOG_REQUEST, "data", asked)))
        with LEDGER.asking(self.name, "delete", id=bookmark):
            fired = page.click(ids.DELETE_CONFIRM)
        self.fail_if(_toast_failed(fired))
        LEDGER.removed(bookmark)

    @task(1)
    def share_view(self):
        def share():
            if not self.may_link():
                return
            page = self.dashboard()
            board = page.value(ids.DASHBOARD_ID, "data")
            made = self.send("POST", f"/api/v1/dashboards/{board}/shares", "api share create (session)",
                             expect=(201,), json={"state": page.value(ids.VIEW_STATE, "data")},
                             headers={"X-CSRFToken": self.client.cookies.get("_csrf_token", "")}).json()
            self.linked(board, made["token"])
        self.attempt(share)

    @task(2)
    def open_link(self):
        def open_link():
            token = self.link_to_open([*self.me["dashboards"], "presentation"])
            if token is None:
                return
            page = self.open(f"/s/{token}", "page /s/[token]", check=gone_if_revoked(token))
            if page.has(ids.PRESENT_INDEX):
                self.play(page)
        self.attempt(open_link)

    @task(1)
    def present(self):
        def present():
            board = self.rng.choice(self.me["dashboards"])
            self.play(self.open(f"/present/bookmarks/{board}", "page /present/bookmarks/[d]"))
        self.attempt(present)

    def play(self, page: Page) -> None:
        """Steps through a few slides as the player's keys do: the index changes in the browser (the
        clientside ``step``), the server shows the slide and prepares the next one."""
        count = (page.value(ids.PRESENT_DECK, "data") or {}).get("count") or 0
        for index in range(1, min(count, SLIDES_PLAYED)):
            time.sleep(self.rng.uniform(0.2, 0.6))  # the presenter reads the slide
            page.change(ids.PRESENT_INDEX, "data", index)

    def fail_if(self, problem: str | None) -> None:
        if problem:
            self.count(problem)
            raise Failed(problem)


class ApiUser(Client):
    """A script with a personal API token."""

    kind = "api"
    fixed_count = sum(1 for u in _roster["users"] if u["kind"] == "api")

    def on_start(self) -> None:
        super().on_start()
        self.client.headers["Authorization"] = f"Bearer {self.me['token']}"
        self.boards = {b["id"]: b for b in self.send("GET", "/api/v1/dashboards", "api dashboards").json()}
        self.bookmarks: dict[int, dict] = {}  # id -> {dashboard, name, version}
        self.presentations: list[int] = []
        self.my_links: list[str] = []
        STARTED.append(self.name)

    def random_state(self, board_id: str) -> dict:
        """A view a person might choose: a sheet, a few independent filters, parameters, a date range."""
        board = self.boards[board_id]
        declared = registry.get(board_id)
        state = {"sheet": self.rng.choice(board["sheets"])["id"], "filters": {}, "parameters": {}}
        for control in board["controls"]:
            if declared.control(control["id"]).depends_on or self.rng.random() < 0.5:
                continue
            if control["type"] == "date_range":
                state["filters"][control["id"]] = self.rng.choice(control["presets"])
            elif control["type"] == "multi":
                values = [o["value"] for o in control["options"]]
                state["filters"][control["id"]] = self.rng.sample(values, k=min(len(values), self.rng.choice((1, 2))))
            else:
                state["parameters"][control["id"]] = self.rng.choice(control["options"])["value"]
        return state

    def board(self) -> str:
        return self.rng.choice(sorted(self.boards))

    def attempt(self, fn) -> None:
        try:
            fn()
        except Failed:
            raise RescheduleTask() from None

    @task(8)
    def read_data(self):
        board = self.board()
        state = quote(json.dumps(self.random_state(board)))
        self.attempt(lambda: self.send("GET", f"/api/v1/dashboards/{board}/data?state={state}", "api data"))

    @task(2)
    def list_bookmarks(self):
        self.attempt(lambda: self.send("GET", f"/api/v1/dashboards/{self.board()}/bookmarks", "api bookmarks list"))

    @task(3)
    def create_bookmark(self):
        def create():
            if len(self.bookmarks) >= 2 * BOOKMARKS_KEPT:
                return self.delete_one()
            board, name = self.board(), self.new_name()
            with LEDGER.asking(self.name, "create", name=name):
                made = self.send("POST", f"/api/v1/dashboards/{board}/bookmarks", "api bookmark create",
                                 expect=(201,), json={"name": name, "state": self.random_state(board)},
                                 headers={"Idempotency-Key": str(uuid.uuid4())}).json()
            self.keep(board, made)
        self.attempt(create)

    def keep(self, board: str, made: dict) -> None:
        self.bookmarks[made["id"]] = {"dashboard": board, "name": made["name"], "version": made["version"]}
        LEDGER.saved(self.name, board, made)

    @task(2)
    def change_bookmark(self):
        def change():
            if not self.bookmarks:
                return
            bookmark_id = self.rng.choice(sorted(self.bookmarks))
            mine = self.bookmarks[bookmark_id]
            body = {"version": mine["version"]}
            if self.rng.random() < 0.5:
                body["name"] = self.new_name()
            else:
                body["state"] = self.random_state(mine["dashboard"])
            with LEDGER.asking(self.name, "change", id=bookmark_id):
                saved = self.send("PATCH", f"/api/v1/bookmarks/{bookmark_id}", "api bookmark change",
                                  json=body).json()
            mine.update(name=saved["name"], version=saved["version"])
            LEDGER.changed(bookmark_id, saved["version"], saved["name"])
        self.attempt(change)

    @task(2)
    def delete_bookmark(self):
        self.attempt(self.delete_one)

    def delete_one(self) -> None:
        if not self.bookmarks:
            return
        bookmark_id = self.rng.choice(sorted(self.bookmarks))
        with LEDGER.asking(self.name, "delete", id=bookmark_id):
            self.send("DELETE", f"/api/v1/bookmarks/{bookmark_id}", "api bookmark delete", expect=(204,))
        del self.bookmarks[bookmark_id]
        LEDGER.removed(bookmark_id)

    @task(1)
    def share_bookmark(self):
        def share():
            if not self.bookmarks or not self.may_link():
                return
            bookmark_id = self.rng.choice(sorted(self.bookmarks))
            board = self.bookmarks[bookmark_id]["dashboard"]
            made = self.send("POST", f"/api/v1/dashboards/{board}/shares", "api share create", expect=(201,),
                             json={"bookmark_id": bookmark_id}).json()
            self.linked(board, made["token"])
            self.my_links.append(made["token"])
        self.attempt(share)

    @task(1)
    def revoke_link(self):
        def revoke():
            if len(self.my_links) < 4:
                return
            token = self.my_links.pop(0)
            REVOKED.add(token)  # before the answer: from now on, a 404 for it is right
            self.send("DELETE", f"/api/v1/shares/{token}", "api share revoke", expect=(204,))
        self.attempt(revoke)

    @task(2)
    def open_link(self):
        def open_link():
            token = self.link_to_open(["restaurant", "gaming"])
            if token is None:
                return
            self.send("GET", f"/api/v1/shares/{token}", "api share open", expect=(200, 404),
                      check=gone_if_revoked(token))
        self.attempt(open_link)

    @task(1)
    def save_link(self):
        def save():
            token = self.link_to_open(["restaurant", "gaming"])
            if token is None or len(self.bookmarks) >= 2 * BOOKMARKS_KEPT:
                return
            name = self.new_name()
            with LEDGER.asking(self.name, "save link", name=name):
                response = self.send("POST", f"/api/v1/shares/{token}/save", "api share save",
                                     expect=(201, 404), json={"name": name},
                                     headers={"Idempotency-Key": str(uuid.uuid4())}, check=gone_if_revoked(token))
            if response.status_code == 201:
                made = response.json()
                self.keep(made["dashboard"], made)
        self.attempt(save)

    @task(1)
    def compose_presentation(self):
        def compose():
            if len(self.presentations) >= PRESENTATIONS_KEPT:
                doomed = self.presentations.pop(0)
                self.send("DELETE", f"/api/v1/presentations/{doomed}", "api presentation delete", expect=(204,))
                return
            if not self.bookmarks:
                return
            picked = self.rng.sample(sorted(self.bookmarks), k=min(len(self.bookmarks), 5))
            made = self.send("POST", "/api/v1/presentations", "api presentation create", expect=(201,),
                             json={"name": self.new_name(), "items": [{"bookmark_id": i} for i in picked]}).json()
            self.presentations.append(made["id"])
            if self.may_link():
                link = self.send("POST", f"/api/v1/presentations/{made['id']}/share", "api presentation share",
                                 expect=(201,), json={}).json()
                self.linked("presentation", link["token"])
        self.attempt(compose)

    @task(1)
    def read_presentation(self):
        def read():
            if self.presentations:
                self.send("GET", f"/api/v1/presentations/{self.rng.choice(self.presentations)}",
                          "api presentation read")
        self.attempt(read)


