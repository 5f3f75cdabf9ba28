"""The running app reads the data, never the demo data generators: it imports none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATORS = ("data.gaming_data", "data.restaurant_data")
CHECK = ("import app, dashboards.registry, accounts.demo; import sys; "
         f"print([m for m in sys.modules if m in {GENERATORS!r}])")


def test_rti001_app_and_dashboards_do_not_load_the_generators():
    # A fresh interpreter: the test session itself may well have imported the generators.
    run = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout


def test_rti002_generators_take_the_contract_from_the_schema():
    """The generators import the dataset's contract from data.schema instead of redefining it."""
    from data import gaming_data, restaurant_data, schema

    assert (gaming_data.START, gaming_data.END) == (schema.GAMING_START, schema.GAMING_END)
    assert (restaurant_data.START, restaurant_data.END) == (schema.RESTAURANT_START, schema.RESTAURANT_END)
    assert gaming_data.ONBOARDING_STEPS is schema.ONBOARDING_STEPS
    assert gaming_data.CAMPAIGN_WINDOW_DAYS == schema.CAMPAIGN_WINDOW_DAYS
    assert [b[:2] for b in gaming_data.BRANDS] == list(schema.GAMING_BRANDS)
    for module in (gaming_data, restaurant_data):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        assigned = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                    if isinstance(t, ast.Name)}
        assert not assigned & set(vars(schema)), module.__name__
