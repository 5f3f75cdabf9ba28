"""Take a screenshot of each dashboard, and of a presentation's slide, with headless Chromium.

    .venv/bin/python scripts/screenshots.py    # writes docs/screenshots/{restaurant,gaming,presentation}.png
    .venv/bin/python scripts/screenshots.py --review [DIR]   # every sheet at 1280 and 1920 px, for review

``--review`` leaves the README's screenshots alone: it writes every sheet of both dashboards at each width of
``REVIEW_WIDTHS``, whole pages, into DIR (default ``build/review``, which git ignores) with an ``index.html``
to page through them.

Starts the app (``.venv/bin/python app.py``) on a free port with an instance folder of its own (so your
bookmarks stay as they are), signs in as the demo ``analyst``, waits until every dashboard has finished
loading and saves the screenshots; then saves the seed's three bookmarks and shows the third as a slide.
Needs Debian's ``chromium`` and ``chromium-driver`` (/usr/bin/chromium, /usr/bin/chromedriver).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS = {"restaurant": "/dashboards/restaurant", "gaming": "/dashboards/gaming"}
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--window-size=1600,1000",
]
LOADING_SELECTOR = '._dash-loading, .dash-spinner, [data-dash-is-loading="true"]'
GRAPH_SELECTOR = ".js-plotly-plot"
USERNAME, PASSWORD = "analyst", "viewmark-demo"
REVIEW_WIDTHS = (1280, 1920)
REVIEW_DIR = ROOT / "build" / "review"
WINDOW_HEIGHT = 1000
# The seed's story: all states, the best and the worst store, the worst store's Owner view in December 2021.
STORY = [
    ("All states", {"sheet": "overview"}),
    ("Best and worst store", {"sheet": "store-comparison"}),
    ("Worst store in December", {"sheet": "owner-view",
                                 "filters": {"date_range": ["2021-12-01", "2021-12-31"], "state": ["Pennsylvania"],
                                             "address": ["10 Resort Plz"]},
                                 "parameters": {"metric": "revenue", "grain": "week"}}),
]
SAVE_BOOKMARK = """
const [name, state, done] = arguments;
const token = document.querySelector('meta[name="csrf-token"]').content;
fetch('/api/v1/dashboards/restaurant/bookmarks', {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
      body: JSON.stringify({name: name, state: state})}).then(r => done(r.status), () => done(0));
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(python: str, port: int, log_path: Path, instance: Path) -> subprocess.Popen:
    env = dict(os.environ, VIEWMARK_HOST="127.0.0.1", VIEWMARK_PORT=str(port), VIEWMARK_INSTANCE_PATH=str(instance))
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [python, "app.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_app(proc: subprocess.Popen) -> None:
    """Stop app.py and anything it started (it runs in its own session / process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Wait until ``url`` answers at all (any HTTP status counts: a redirect to /login is fine)."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with status {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def make_driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    if Path(CHROMIUM).exists():
        options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def wait_until(condition, timeout: float, what: str, poll: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


def sign_in_if_asked(driver: webdriver.Chrome, base_url: str, timeout: float) -> None:
    driver.get(base_url + "/")
    time.sleep(0.5)  # let a client-side redirect happen
    try:
        username = driver.find_element(By.NAME, "username")
        password = driver.find_element(By.NAME, "password")
    except NoSuchElementException:
        print("no sign-in form: continuing without signing in")
        return
    username.clear()
    username.send_keys(USERNAME)
    password.clear()
    password.send_keys(PASSWORD)
    form = username.find_element(By.XPATH, "./ancestor::form")
    buttons = form.find_elements(
        By.CSS_SELECTOR, "button[type=submit], input[type=submit], button:not([type])"
    )
    if buttons:
        buttons[0].click()
    else:
        form.submit()
    wait_until(
        lambda: not driver.find_elements(By.NAME, "password"),
        timeout,
        f"the sign-in as {USERNAME!r} to complete (still on {driver.current_url})",
    )
    print(f"signed in as {USERNAME}")


def dashboard_ready(driver: webdriver.Chrome) -> bool:
    try:
        return (
            driver.execute_script("return document.readyState") == "complete"
            and not driver.find_elements(By.CSS_SELECTOR, LOADING_SELECTOR)
            and bool(driver.find_elements(By.CSS_SELECTOR, GRAPH_SELECTOR))
        )
    except WebDriverException:
        return False


def wait_until_drawn(driver: webdriver.Chrome, url: str, timeout: float) -> None:
    # Require the ready state twice in a row, so a callback chain that has not started yet doesn't count.
    deadline = time.monotonic() + timeout
    stable = 0
    while stable < 2:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: still loading (or no graph) after {timeout:.0f} s")
        stable = stable + 1 if dashboard_ready(driver) else 0
        time.sleep(0.5)
    time.sleep(1.0)  # plotly transitions and web fonts


def fit_window_to_page(driver: webdriver.Chrome) -> None:
    """Makes the window as tall as the page, so the picture holds every card. The graphs redraw at the new
    size, which can change the page's height: measured again until it fits."""
    for _ in range(4):
        inner, page, chrome = driver.execute_script(
            "return [window.innerHeight, document.documentElement.scrollHeight,"
            " window.outerHeight - window.innerHeight]")
        if page <= inner:
            return
        driver.set_window_size(driver.execute_script("return window.outerWidth"), page + chrome)
        time.sleep(1.0)


def screenshot(driver: webdriver.Chrome, url: str, target: Path, timeout: float, *, whole_page: bool = False) -> None:
    driver.get(url)
    wait_until_drawn(driver, url, timeout)
    if whole_page:
        fit_window_to_page(driver)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not driver.save_screenshot(str(target)):
        raise RuntimeError(f"could not write {target}")
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def readme_screenshots(driver: webdriver.Chrome, base_url: str, out: Path, timeout: float) -> None:
    """Each dashboard's first sheet, then the seed's story saved as bookmarks and its third as a slide."""
    for name, path in DASHBOARDS.items():
        screenshot(driver, base_url + path, out / f"{name}.png", timeout)
    for name, state in STORY:
        status = driver.execute_async_script(SAVE_BOOKMARK, name, state)
        if status != 201:
            raise RuntimeError(f"saving the bookmark {name!r} answered {status}")
    screenshot(driver, base_url + "/present/bookmarks/restaurant?slide=3", out / "presentation.png", timeout)


def sheet_url(base_url: str, dashboard: str, sheet: str) -> str:
    return f"{base_url}{DASHBOARDS[dashboard]}?state=" + quote(json.dumps({"sheet": sheet}), safe=":,")


def review(driver: webdriver.Chrome, base_url: str, out: Path, timeout: float) -> None:
    """Every sheet of both dashboards at each of ``REVIEW_WIDTHS``, and an index page listing them."""
    sys.path.insert(0, str(ROOT))
    from dashboards.registry import DASHBOARDS as DECLARED

    shots = []
    for dashboard in DASHBOARDS:
        for number, sheet in enumerate(DECLARED[dashboard].sheets, start=1):
            for width in REVIEW_WIDTHS:
                name = f"{dashboard}-{number:02d}-{sheet.id}-{width}.png"
                driver.set_window_size(width, WINDOW_HEIGHT)
                screenshot(driver, sheet_url(base_url, dashboard, sheet.id), out / name, timeout, whole_page=True)
                shots.append((DECLARED[dashboard].title, sheet.title, width, name))
    driver.set_window_size(1600, WINDOW_HEIGHT)
    write_index(out, shots)


def write_index(out: Path, shots: list[tuple[str, str, int, str]]) -> None:
    """One page with every screenshot in order, each titled and linked to its own file."""
    entries = []
    for i, (dashboard, sheet, width, name) in enumerate(shots):
        previous = f'<a href="#shot-{i - 1}">previous</a>' if i else ""
        following = f'<a href="#shot-{i + 1}">next</a>' if i + 1 < len(shots) else ""
        title = html.escape(f"{dashboard} · {sheet} · {width} px")
        entries.append(f'<section id="shot-{i}"><h2>{title} <small>{previous} {following}</small></h2>'
                       f'<a href="{name}"><img src="{name}" alt="{title}" loading="lazy"></a></section>')
    contents = "".join(f'<li><a href="#shot-{i}">{html.escape(f"{d} · {s} · {w} px")}</a></li>'
                       for i, (d, s, w, _) in enumerate(shots))
    (out / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>Viewmark screenshots for review</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem}img{max-width:100%;"
        "border:1px solid #cbd5e1}section{margin:2rem 0}small a{margin-left:.75rem;font-weight:400}</style>"
        f"<h1>Viewmark screenshots for review</h1><ol>{contents}</ol>{''.join(entries)}\n", encoding="utf-8")
    print(f"wrote {out / 'index.html'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="output folder")
    parser.add_argument("--review", type=Path, nargs="?", const=REVIEW_DIR, default=None, metavar="DIR",
                        help=f"write every sheet at {' and '.join(map(str, REVIEW_WIDTHS))} px into DIR "
                             "(default build/review) instead of the README's screenshots")
    parser.add_argument("--python", default=None, help="interpreter that runs app.py (default: .venv)")
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the app to answer (the first run builds the dataset)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each dashboard")
    args = parser.parse_args(argv)

    python = args.python or str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkstemp(prefix="viewmark-screenshots-", suffix=".log")[1])
    instance = Path(tempfile.mkdtemp(prefix="viewmark-screenshots-"))

    print(f"starting app.py on {base_url} (log: {log_path})")
    proc = start_app(python, port, log_path, instance)
    driver = None
    try:
        wait_for_http(base_url + "/", proc, args.start_timeout)
        driver = make_driver()
        sign_in_if_asked(driver, base_url, args.timeout)
        if args.review:
            review(driver, base_url, args.review.resolve(), args.timeout)
        else:
            readme_screenshots(driver, base_url, args.out.resolve(), args.timeout)
        errors = [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        for message in errors:
            print(f"browser error: {message}", file=sys.stderr)
    except Exception as exc:
        print(f"screenshots failed: {exc}", file=sys.stderr)
        tail = log_path.read_text(errors="replace").splitlines()[-30:]
        if tail:
            print("--- app log (last lines) ---", *tail, sep="\n", file=sys.stderr)
        return 1
    finally:
        if driver is not None:
            driver.quit()
        stop_app(proc)
    log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
