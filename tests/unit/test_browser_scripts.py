"""The scripts in assets/viewmark/ name a few things the Python side defines: the same words on both sides,
or the browser marks a line or shows a stage that the page's CSS and callbacks do not know."""

from __future__ import annotations

import re

import pytest

from bookmarks.ui import ACTIVE
from core import ids
from presentations.play import BACK, FRONT
from settings import ROOT

ASSETS = ROOT / "assets" / "viewmark"


@pytest.mark.parametrize(("script", "constant"), [
    ("bookmarks.js", ids.ORIGINAL_BOOKMARK),  # the Original dashboard's line in the pane
    ("bookmarks.js", ACTIVE),  # the mark of the applied bookmark's line
    ("present.js", FRONT),  # the stage on screen
    ("present.js", BACK),  # the stage out of sight
])
def test_js001_the_browser_scripts_name_what_the_python_side_defines(script, constant):
    text = (ASSETS / script).read_text(encoding="utf-8")
    assert f'"{constant}"' in text


def test_js002_each_clientside_function_the_callbacks_name_is_defined():
    """A ``ClientsideFunction(namespace, name)`` whose script lacks it fails only in the browser."""
    named = set()
    for path in ROOT.glob("*/*.py"):
        if ".venv" in path.parts:
            continue
        named |= set(re.findall(r'ClientsideFunction\(\s*"(\w+)",\s*"(\w+)"\)', path.read_text(encoding="utf-8")))
    assert named
    scripts = "\n".join(p.read_text(encoding="utf-8") for p in ASSETS.glob("*.js"))
    for namespace, name in named:
        assert re.search(rf"clientside\.{namespace}\s*=", scripts), namespace
        block = scripts[scripts.index(f"clientside.{namespace}"):]
        assert re.search(rf"\b{name}\s*:\s*function", block), f"{namespace}.{name}"
