"""Accessibility checks for the browser tests: axe-core run on the page a test shows.

axe-core comes from npm (``tests/a11y/package.json`` and its lock; ``.ci/run`` installs it with
``npm ci --prefix tests/a11y``). The test harness reads it from ``node_modules`` and injects it through
WebDriver, so the app never serves it and the page's Content-Security-Policy does not apply to it.
"""

from __future__ import annotations

import functools
from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts a page may not have; minor and moderate findings are not checked.
BLOCKING = ("serious", "critical")

_RUN = """
const [context, done] = [arguments[0], arguments[arguments.length - 1]];
window.axe.run(context || document, {resultTypes: ['violations']})
  .then(result => done({violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }))}))
  .catch(error => done({error: String(error)}));
"""


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"axe-core is not installed ({AXE}): run `npm ci --prefix tests/a11y` (.ci/run does)")
    return AXE.read_text(encoding="utf-8")


def violations(dash_duo, context: str | None = None) -> list[dict]:
    """axe's violations on the page (or inside the element ``context`` selects): id, impact, help, targets."""
    driver = dash_duo.driver
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe_source())
    driver.set_script_timeout(60)
    result = driver.execute_async_script(_RUN, context)
    assert "error" not in result, f"axe did not run: {result['error']}"
    return result["violations"]


def assert_accessible(dash_duo, where: str, context: str | None = None) -> None:
    """No serious or critical axe violation on the page shown (``where`` names it in the message)."""
    found = [v for v in violations(dash_duo, context) if v["impact"] in BLOCKING]
    lines = [f"  {v['id']} ({v['impact']}): {v['help']} — {len(v['targets'])} element(s): "
             f"{'; '.join(v['targets'][:6])}{' …' if len(v['targets']) > 6 else ''}" for v in found]
    assert not found, f"axe: serious or critical violations on {where}:\n" + "\n".join(lines)
