"""The browser benchmark: how long a person waits, in headless Chromium, for a sheet to be drawn.

    .venv/bin/python -m benchmarks.browser --data-url duckdb:///… [--repeats 20] [--quick]

Starts the app under gunicorn (2 workers, the result cache in Redis unless ``--cache-url ''``) on a new
SQLite application database, makes one user, prepares its bookmarks on the restaurant dashboard through the
JSON API with its token, signs in through the form in Chromium (selenium, ``/usr/bin/chromium``) and times:

* **bookmark, cached** — a click on a bookmark in the bookmarks pane until its view is drawn, alternating
  between two bookmarks of the Overview sheet (revenue, orders) that were each applied once before, so the
  server has computed their views;
* **bookmark, uncached** — the same click on a third bookmark whose view was changed through the API just
  before, to a date range nobody asked for yet (a fresh state each time);
* **next slide** — a click on *Next* in the player of the user's bookmarks (``/present/bookmarks/…``) until
  the next slide is drawn, after the page had finished loading the previous one and drawing the next one out
  of sight (the presenter reads the slide meanwhile);
* **first load** — opening ``/dashboards/<d>`` (both dashboards in turn, a new document each time) until its
  sheet is drawn, from the navigation's start.

**Drawn**, measured in the page (``performance.now()``; nothing is timed from Python): a script injected
before any of the page's own (Chromium's ``Page.addScriptToEvaluateOnNewDocument``) counts the Dash
callback requests (``/_dash-update-component``) in flight and records, with a ``MutationObserver``, the time
of the last change to the DOM inside the measured element (the sheet, ``#vm-sheet-content``, or the slide's
stage on screen, ``#vm-present-slide > .vm-present-front``: the next slide is drawn on the other stage, out of
sight, while the presenter reads, and *Next* swaps the two) — except two marks that draw nothing: Dash's
``data-dash-is-loading`` on the outputs of a callback while it runs (condition 2 waits for them to clear), and
the ``dash-graph--pending`` class that ``dcc.Graph`` puts on a graph while it checks the graph's size. A step
is drawn once, after the click (or the navigation's start):

1. at least one callback request was sent, and none is in flight any more — for the player, except the
   request preparing the slide *after* the one shown (``vm-present-next-slide``), which runs while the
   presenter reads (the slide shown is the one prepared and drawn before, swapped in by the browser);
2. the measured element changed, is not and holds no Dash component marked loading (``data-dash-is-loading``;
   for the player, only what it holds: the request ignored above has the slide among its outputs), every
   graph in it (``.js-plotly-plot``) has its plot drawn (Plotly's ``_fullLayout`` and ``.main-svg``) with
   its traces (a trace, slice, heatmap or Sankey group) when it has data, every table (dash-ag-grid) shows
   rows or its no-rows overlay, and every KPI card (``.vm-kpi-value``) has its figure;
3. the DOM inside the element then stays unchanged for ``QUIET_MS`` after that change and after the last
   callback answer (so nothing drawn later is missed, nor an answer not applied yet).

The time reported is that of the last change before the quiet period, minus the click's (or 0, the
navigation's start). p50 and p95 over ``--repeats`` steps of each kind.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from benchmarks import memory
from benchmarks.http import REDIS_CACHE, _log_tail
from benchmarks.serve import Gunicorn, fresh_database, make_users
from benchmarks.soak import _percentiles
from core import ids
from data.schema import RESTAURANT_END, RESTAURANT_START
from presentations.play import BACK, FRONT
from settings import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
QUIET_MS = 300
STEP_TIMEOUT_MS = 30_000
DASHBOARD = "restaurant"
SHEET = "overview"
TARGETS_MS = {"bookmark_cached": 400.0, "bookmark_uncached": 800.0, "next_slide": 300.0}
# Views for the deck of slides, besides the two bookmarks clicked when cached.
SLIDE_VIEWS = [{"sheet": sheet, "parameters": {"metric": metric, "grain": grain}}
               for sheet in ("overview", "store-comparison", "owner-view")
               for metric in ("revenue", "orders", "avg_ticket") for grain in ("month", "week", "day")]

# The elements whose drawing is timed: the sheet, and the slide's stage on screen (presentations.play).
SLIDE_ON_SCREEN = f"#{ids.PRESENT_SLIDE} > .{FRONT}"
SLIDE_OUT_OF_SIGHT = f"#{ids.PRESENT_SLIDE} > .{BACK}"  # where the next slide is drawn while one is read
ROOTS = (f"#{ids.SHEET_CONTENT}", SLIDE_ON_SCREEN, SLIDE_OUT_OF_SIGHT)

# Installed before any script of each page: the callback requests in flight (all, and those not ignored),
# and, for each of ``ROOTS``, the time of the last DOM change inside it since the page began.
PROBE = r"""
(() => {
  const b = window.__vmBench = {ignore: [], inflight: 0, inflightAll: 0, sent: 0, answered: 0, answeredAll: 0,
                                last: {}};
  const roots = ROOTS;
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (!url.includes("_dash-update-component")) return original.apply(this, arguments);
    const body = init && typeof init.body === "string" ? init.body : "";
    const counted = !b.ignore.some((output) => body.includes(output));
    b.sent++; b.inflightAll++;
    if (counted) b.inflight++;
    return original.apply(this, arguments).finally(() => {
      b.inflightAll--; b.answeredAll = performance.now();
      if (counted) { b.inflight--; b.answered = performance.now(); }
    });
  };
  // A node inside the element (or the element itself); ``added``: also a node added with the element in it
  // (the element drawn anew). A change to an element around it (a class or an attribute of the page) is not
  // a change inside it.
  const inside = (node, root, added) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    if (element && element.closest(root)) return true;
    return added && node.nodeType === 1 && !!node.querySelector(root);
  };
  // Marks, not drawing: Dash's data-dash-is-loading on the outputs of a callback while it runs (what is
  // drawn waits for them to clear, see MEASURE), and the class dcc.Graph puts on a graph while it checks
  // the graph's size (a redraw the check causes is counted by its own changes).
  const marker = (r) => r.type === "attributes" && (r.attributeName === "data-dash-is-loading"
    || r.attributeName === "class" && r.target.classList && r.target.classList.contains("js-plotly-plot")
    && (r.oldValue || "").replace("dash-graph--pending", "").trim().split(/\s+/).sort().join(" ")
       === r.target.className.replace("dash-graph--pending", "").trim().split(/\s+/).sort().join(" "));
  new MutationObserver((records) => {
    const now = performance.now();
    const drawn = records.filter((r) => !marker(r));
    for (const root of roots) {
      if (drawn.some((r) => inside(r.target, root, false) || [...r.addedNodes].some((n) => inside(n, root, true)))) {
        b.last[root] = now;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true,
                        characterData: true});
})();
""".replace("ROOTS", json.dumps(ROOTS), 1)

# A graph (``.js-plotly-plot``) with its plot drawn and, when it has data, its traces.
PLOT_DRAWN = """(gd) => !!gd._fullLayout && !!gd.querySelector(".main-svg")
  && (!(gd.data || []).length || !!gd.querySelector(".trace, .slice, .hm, .sankey"))"""

# Resolves with {ms} once the element ``root`` (one of ``ROOTS``) is drawn (see the module's docstring), or
# {error}.
MEASURE = """
const [root, ignore, element, fromStart, quietMs, timeoutMs, done] = arguments;
const b = window.__vmBench;
b.ignore = ignore;
const t0 = fromStart ? 0 : performance.now();
const sentBefore = fromStart ? 0 : b.sent;
if (!fromStart) b.last[root] = 0;
const drawn = () => {
  const box = document.querySelector(root);
  if (!box || box.querySelector('[data-dash-is-loading="true"]')) return false;
  // The element itself is an output of the callbacks timed (unless some are ignored): loading until the
  // answer is applied to it.
  if (!ignore.length && box.getAttribute("data-dash-is-loading") === "true") return false;
  if (![...box.querySelectorAll(".js-plotly-plot")].every(PLOT_DRAWN)) return false;
  for (const grid of box.querySelectorAll(".ag-root-wrapper")) {
    if (!grid.querySelector(".ag-row, .ag-overlay-no-rows-wrapper")) return false;
  }
  for (const kpi of box.querySelectorAll(".vm-kpi-value")) { if (!kpi.textContent.trim()) return false; }
  return true;
};
if (element) element.click();
const poll = () => {
  const now = performance.now(), last = b.last[root] || 0;
  if (now - t0 > timeoutMs) {
    done({error: `not drawn within ${timeoutMs} ms (requests sent ${b.sent - sentBefore}, in flight ${b.inflight})`});
  } else if (b.sent > sentBefore && b.inflight === 0 && last > t0 && drawn()
             && now - Math.max(last, b.answered) >= quietMs) {
    done({ms: last - t0});
  } else {
    setTimeout(poll, 5);
  }
};
poll();
""".replace("PLOT_DRAWN", PLOT_DRAWN, 1)

# Resolves once no callback request is in flight, ignored or not, and nothing changed for ``quietMs`` since
# the last answer and inside the element ``root`` (when given), whose graphs are drawn: the presenter has read
# the slide while the next one was drawn out of sight.
IDLE = """
const [root, quietMs, done] = arguments, b = window.__vmBench;
const drawn = () => [...document.querySelectorAll(root + " .js-plotly-plot")].every(PLOT_DRAWN);
const idle = () => {
  const now = performance.now();
  const still = b.inflightAll === 0 && now - b.answeredAll >= quietMs
    && (!root || (now - (b.last[root] || 0) >= quietMs && drawn()));
  return still ? done() : setTimeout(idle, 20);
};
idle();
""".replace("PLOT_DRAWN", PLOT_DRAWN, 1)


@dataclass(frozen=True)
class Options:
    data_url: str
    repeats: int = 20
    workers: int = 2
    cache_url: str | None = REDIS_CACHE
    seed: int | None = None  # the fresh date ranges; random by default, so no earlier run computed them

    @classmethod
    def quick(cls, data_url: str, **overrides) -> Options:
        return cls(data_url=data_url, **{"repeats": 3, **overrides})


def run(options: Options) -> dict:
    rng = random.Random(options.seed)
    load_average = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="viewmark-browser-") as tmp:
        run_dir = Path(tmp)
        with fresh_database("sqlite", run_dir) as database_url:
            user = make_users(database_url, 1, ("api",), prefix="viewer")[0]
            with Gunicorn(database_url, options.data_url, run_dir, workers=options.workers,
                          cache_url=options.cache_url, sample_interval_s=0.5) as app:
                api = _api(app.base, user["token"])
                marks = prepare_bookmarks(api, app.base, max(options.repeats + 1, 3))
                driver = chromium()
                try:
                    sign_in(driver, app.base, user)
                    steps = {"bookmark_cached": [], "bookmark_uncached": [], "next_slide": [], "first_load": []}
                    errors = []
                    _bookmarks(driver, api, app.base, marks, options.repeats, rng, steps, errors)
                    _slides(driver, app.base, options.repeats, steps, errors)
                    _first_loads(driver, app.base, options.repeats, steps, errors)
                    browser_version = driver.capabilities.get("browserVersion")
                finally:
                    driver.quit()
                app.memory.stop()
                rss = memory.peak(app.memory.samples)
            problems = app.log_problems()
            log_tail = _log_tail(app.log_path) if problems else []
    return {"conditions": _conditions(options, browser_version, load_average),
            "steps": {name: {"count": len(times), **_percentiles(times), "times_ms": [round(t, 1) for t in times]}
                      for name, times in steps.items()},
            "errors": len(errors) + len(problems), "failures": errors[:20], "app_log_problems": problems[:20],
            "app_log_tail": log_tail,
            "memory": rss}


# Preparing ---------------------------------------------------------------------------------------------------

def _api(base: str, token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def prepare_bookmarks(api: requests.Session, base: str, count: int) -> list[dict]:
    """``count`` bookmarks on the dashboard, in the pane's and the deck's order: the two clicked when cached
    (Overview by revenue, by orders), the one made fresh before each uncached click, then other views."""
    views = [{"sheet": SHEET, "parameters": {"metric": "revenue"}},
             {"sheet": SHEET, "parameters": {"metric": "orders"}},
             {"sheet": SHEET, "parameters": {"metric": "avg_ticket"}}]
    views += [SLIDE_VIEWS[n % len(SLIDE_VIEWS)] for n in range(count - len(views))]
    made = []
    for n, state in enumerate(views):
        response = api.post(f"{base}/api/v1/dashboards/{DASHBOARD}/bookmarks", timeout=60,
                            json={"name": f"Benchmark {n + 1:02d}", "state": state})
        response.raise_for_status()
        made.append(response.json())
    return made


def fresh_state(rng: random.Random) -> dict:
    """The Overview over a date range drawn at random: out of some 130,000, so nobody asked for it yet."""
    days = (RESTAURANT_END - RESTAURANT_START).days
    start = RESTAURANT_START + timedelta(days=rng.randrange(0, days // 2))
    end = RESTAURANT_END - timedelta(days=rng.randrange(0, days // 2))
    return {"sheet": SHEET, "filters": {"date_range": [start.isoformat(), end.isoformat()]},
            "parameters": {"metric": "avg_ticket"}}


# The browser -------------------------------------------------------------------------------------------------

def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    driver.set_script_timeout(STEP_TIMEOUT_MS / 1000 + 30)
    return driver


def sign_in(driver: webdriver.Chrome, base: str, user: dict) -> None:
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(user["username"])
    driver.find_element(By.ID, "password").send_keys(user["password"])
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 60).until(expected_conditions.text_to_be_present_in_element(
        (By.ID, ids.SIGNED_IN_USER), user["username"]))


def measure(driver: webdriver.Chrome, root: str, element=None, *, ignore: tuple[str, ...] = (),
            from_start: bool = False) -> dict:
    return driver.execute_async_script(MEASURE, root, list(ignore), element, from_start, QUIET_MS, STEP_TIMEOUT_MS)


def _record(result: dict, times: list[float], errors: list[str], what: str) -> None:
    if "ms" in result:
        times.append(result["ms"])
    else:
        errors.append(f"{what}: {result.get('error')}")


def dash_id(component_id: dict) -> str:
    """The DOM id Dash gives a pattern-matched component: its id as JSON, keys sorted, no spaces."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def pane_button(driver: webdriver.Chrome, bookmark: dict):
    """The bookmark's button in the pane (its id holds quotes, which CSS selectors would need escaped)."""
    return driver.execute_script("return document.getElementById(arguments[0])",
                                 dash_id(ids.bookmark_action("apply", bookmark["id"])))


def _open_dashboard(driver: webdriver.Chrome, base: str, board: str, errors: list[str]) -> None:
    driver.get(f"{base}/dashboards/{board}")
    _record(measure(driver, f"#{ids.SHEET_CONTENT}", from_start=True), [], errors, f"open {board}")


def _bookmarks(driver, api, base, marks, repeats, rng, steps, errors) -> None:
    sheet = f"#{ids.SHEET_CONTENT}"
    _open_dashboard(driver, base, DASHBOARD, errors)
    toggle = driver.find_element(By.ID, ids.BOOKMARKS_TOGGLE)
    toggle.click()
    WebDriverWait(driver, 30).until(lambda _: pane_button(driver, marks[0]))

    def click(bookmark: dict) -> dict:
        return measure(driver, sheet, pane_button(driver, bookmark))

    cached, fresh = marks[:2], marks[2]
    # Each view computed once before it is timed, from another view: the page opens on the Original, which the
    # first bookmark shows too, and a click that changes nothing on screen draws nothing.
    for bookmark in (fresh, *cached):
        _record(click(bookmark), [], errors, "warm-up")
    for n in range(repeats):
        _record(click(cached[n % 2]), steps["bookmark_cached"], errors, "bookmark, cached")
    for _ in range(repeats):
        current = api.get(f"{base}/api/v1/bookmarks/{fresh['id']}", timeout=60).json()
        changed = api.patch(f"{base}/api/v1/bookmarks/{fresh['id']}", timeout=60,
                            json={"state": fresh_state(rng), "version": current["version"]})
        if changed.status_code != 200:
            errors.append(f"bookmark, uncached: the API answered {changed.status_code}")
            continue
        _record(click(fresh), steps["bookmark_uncached"], errors, "bookmark, uncached")


def _slides(driver, base, repeats, steps, errors) -> None:
    slide, ignore = SLIDE_ON_SCREEN, (ids.PRESENT_NEXT_SLIDE,)
    driver.get(f"{base}/present/bookmarks/{DASHBOARD}")
    _record(measure(driver, slide, from_start=True), [], errors, "open the player")
    for _ in range(repeats):
        # The presenter reads the slide while the next one is prepared and drawn out of sight: wait until
        # nothing is in flight and the next slide's stage is still.
        driver.execute_async_script(IDLE, SLIDE_OUT_OF_SIGHT, QUIET_MS)
        button = driver.find_element(By.ID, ids.PRESENT_NEXT)
        _record(measure(driver, slide, button, ignore=ignore), steps["next_slide"], errors, "next slide")


def _first_loads(driver, base, repeats, steps, errors) -> None:
    boards = ("restaurant", "gaming")
    for n in range(repeats):
        driver.get(f"{base}/dashboards/{boards[n % 2]}")
        _record(measure(driver, f"#{ids.SHEET_CONTENT}", from_start=True), steps["first_load"], errors,
                f"first load of {boards[n % 2]}")


# The report --------------------------------------------------------------------------------------------------

def _conditions(options: Options, browser_version: str | None, load_average: float) -> dict:
    return {"data": options.data_url.rsplit("/", 1)[-1], "workers": options.workers, "repeats": options.repeats,
            "cache": f"Redis ({options.cache_url})" if options.cache_url else "in each worker",
            "browser": f"headless Chromium {browser_version}", "window": "1400×1000", "quiet_ms": QUIET_MS,
            "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
            "load_average_at_start": load_average}


LABELS = {"bookmark_cached": "bookmark click → drawn, cached", "bookmark_uncached": "bookmark click → drawn, uncached",
          "next_slide": "next slide → drawn", "first_load": "first load of a dashboard → drawn"}


def render(result: dict) -> str:
    c = result["conditions"]
    lines = [f"Browser — {c['browser']}, {c['window']}; gunicorn, {c['workers']} workers; data {c['data']}; "
             f"result cache {c['cache']}; {c['machine']}, load average {c['load_average_at_start']} at the start",
             f"drawn: no callback in flight, no loading component, every graph's traces, tables and KPI cards "
             f"filled, then {c['quiet_ms']} ms without a DOM change (not counted)",
             f"{'step':<38}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    for name, s in result["steps"].items():
        top = max(s["times_ms"], default=None)
        cells = "".join(f"{v:>9.0f}" if v is not None else f"{'–':>9}" for v in (s.get("p50_ms"), s.get("p95_ms"), top))
        lines.append(f"{LABELS[name]:<38}{s['count']:>7}{cells}")
    lines.append(f"errors {result['errors']}; worker peak RSS {memory.describe(result['memory'])}")
    lines += [f"failed: {f}" for f in result["failures"][:5]]
    lines += [f"app log: {line}" for line in result["app_log_problems"][:5]]
    return "\n".join(lines)


def targets(result: dict) -> list[dict]:
    rows = [{"target": f"{LABELS[name]} p95", "value": result["steps"][name].get("p95_ms"), "limit": limit,
             "higher_is_better": False, "unit": "ms"} for name, limit in TARGETS_MS.items()]
    rows.append({"target": "browser errors", "value": result["errors"], "limit": 0, "higher_is_better": False,
                 "unit": ""})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-url", required=True)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cache-url", default=REDIS_CACHE, help="'' for each worker's own result cache")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench" / "browser.json")
    args = parser.parse_args(argv)
    common = {"cache_url": args.cache_url or None}
    options = (Options.quick(args.data_url, **common) if args.quick
               else Options(data_url=args.data_url, repeats=args.repeats, **common))
    result = run(options)
    print(render(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
