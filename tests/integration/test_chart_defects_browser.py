"""What a reader sees of the charts, in headless Chromium: read from the drawn SVG and the page's boxes.

A single month drawn and labelled as that month; no mode bar over any plot; a legend clear of its caption
and bar labels that never rotate; map labels that read against their state; partial weeks named in the
legend; and, at 1280 px, tabs that hold their labels, KPI rows without a lone card and axis labels apart.
Each test ends with no console errors.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from dash.testing.wait import until

from accounts.demo import DEMO_PASSWORD
from tests.integration.browser import wait_for_sheet

DECEMBER = ["2021-12-01", "2021-12-31"]
# The seed's story: the worst store's Owner view in December 2021, by week.
OWNER_DECEMBER = {"sheet": "owner-view", "filters": {"date_range": DECEMBER, "state": ["Pennsylvania"],
                                                     "address": ["10 Resort Plz"]},
                  "parameters": {"grain": "week"}}

# Boxes and colours of what is drawn, measured in the page. ``graph(id)``: the plot of a visual.
MEASURE = """
window.vmCharts = {
  graph: id => document.querySelector(`[data-visual='${id}'] .js-plotly-plot`),
  box: e => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; },
  meets: (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5,
  shown: e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                && getComputedStyle(e).display !== 'none' && getComputedStyle(e).visibility !== 'hidden'; },
  rgb: c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number),
  luminance(c) {
    const v = this.rgb(c).map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  },
  contrast(a, b) { const [h, l] = [this.luminance(a), this.luminance(b)].sort((x, y) => y - x);
                   return (h + 0.05) / (l + 0.05); },
};
"""


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


# Helpers ---------------------------------------------------------------------------------------------

def js(dash_duo, script: str, *args):
    return dash_duo.driver.execute_script(MEASURE + script, *args)


def open_view(dash_duo, state: dict, dashboard: str = "restaurant") -> None:
    dash_duo.driver.get(f"{dash_duo.server.url.rstrip('/')}/dashboards/{dashboard}?state="
                        + quote(json.dumps(state)))
    wait_for_sheet(dash_duo, state["sheet"])
    until(lambda: js(dash_duo, "return document.querySelectorAll('.js-plotly-plot .main-svg').length > 0"),
          timeout=10)
    time.sleep(0.5)  # plotly's last redraw at the card's size


def window_width(dash_duo, width: int) -> None:
    dash_duo.driver.set_window_size(width, 1000)
    until(lambda: js(dash_duo, "return window.innerWidth") <= width, timeout=5)
    time.sleep(0.5)


def x_ticks(dash_duo, visual: str) -> list[str]:
    return js(dash_duo, "return [...vmCharts.graph(arguments[0]).querySelectorAll('g.xtick text')]"
                        ".map(t => t.textContent)", visual)


def points(dash_duo, visual: str) -> int:
    """Markers drawn at least 6 px across: a point a reader can see."""
    return js(dash_duo, "return [...vmCharts.graph(arguments[0]).querySelectorAll('.scatterlayer .points path')]"
                        ".filter(p => p.getBoundingClientRect().width >= 6).length", visual)


def bar_widths(dash_duo, visual: str) -> list[list]:
    """``[width, hatched]`` of each bar drawn."""
    return js(dash_duo, "return [...vmCharts.graph(arguments[0]).querySelectorAll('.barlayer .point path')]"
                        ".filter(vmCharts.shown).map(p => [vmCharts.box(p).r - vmCharts.box(p).l,"
                        " getComputedStyle(p).fill.startsWith('url(')])", visual)


def legend_text(dash_duo, visual: str) -> str:
    return " ".join(js(dash_duo, "return [...vmCharts.graph(arguments[0]).querySelectorAll('.legendtext')]"
                                 ".map(t => t.textContent)", visual))


def mode_bars_over_data(dash_duo) -> list[str]:
    """The visuals whose mode bar covers part of their plot area, legend or colour scale."""
    return js(dash_duo, """
      return [...document.querySelectorAll('[data-visual]')].filter(card => {
        const bars = [...card.querySelectorAll('.modebar')].map(vmCharts.box);
        const data = [...card.querySelectorAll('.nsewdrag, .legend, .colorbar, .geolayer .bg rect, .funnellayer')]
          .map(vmCharts.box);
        return bars.some(m => data.some(d => vmCharts.meets(m, d)));
      }).map(card => card.dataset.visual);""")


def lone_kpi(dash_duo) -> bool:
    """Whether the last row of KPI cards holds a single card."""
    rows = js(dash_duo, "return [...document.querySelectorAll('.vm-kpi')].map(k => Math.round(vmCharts.box(k).t))")
    return rows.count(rows[-1]) == 1


def map_labels(dash_duo) -> list[dict]:
    """The state map's labels: their boxes, their contrast with the state under them (or the page, out at
    sea) and the other states that they cover."""
    return js(dash_duo, """
      const states = [...vmCharts.graph('state-map').querySelectorAll('path.choroplethlocation')];
      const under = (x, y) => states.find(p => p.isPointInFill(new DOMPoint(x, y).matrixTransform(
        p.getScreenCTM().inverse())));
      return [...vmCharts.graph('state-map').querySelectorAll('.geolayer text')].filter(vmCharts.shown).map(t => {
        const b = vmCharts.box(t);
        const state = under((b.l + b.r) / 2, (b.t + b.b) / 2);
        const fill = state ? getComputedStyle(state).fill : 'rgb(255, 255, 255)';
        const covers = [[b.l + 1, b.t + 1], [b.r - 1, b.t + 1], [b.l + 1, b.b - 1], [b.r - 1, b.b - 1]]
          .map(([x, y]) => under(x, y)).filter(p => p && p.__data__.loc !== t.textContent).map(p => p.__data__.loc);
        return {text: t.textContent, box: b, contrast: vmCharts.contrast(getComputedStyle(t).fill, fill), covers};
      });""")


def legend_meets_caption(dash_duo, visual: str) -> dict:
    """The caption's box against the legend's, and whether the caption is cut at the card's edge."""
    return js(dash_duo, """
      const card = document.querySelector(`[data-visual='${arguments[0]}']`);
      const caption = card.querySelector('.vm-visual-caption')
        || [...card.querySelectorAll('g.annotation')].find(a => a.textContent.includes('Best and worst'));
      const legend = card.querySelector('.legend .bg') || card.querySelector('.legend');
      const c = vmCharts.box(caption), l = vmCharts.box(legend), g = vmCharts.box(vmCharts.graph(arguments[0]));
      return {meets: vmCharts.meets(c, l), cut: c.r > g.r + 0.5 || caption.scrollWidth > caption.clientWidth + 1};
    """, visual)


# 1, 2 and 5: a single month, the mode bar, partial weeks ----------------------------------------------

def test_rdr011_december_by_month_draws_points_labelled_dec_2021_with_no_mode_bar(sign_in_to):
    dash_duo = sign_in_to("analyst", password=DEMO_PASSWORD)
    window_width(dash_duo, 1280)
    month = {"filters": {"date_range": DECEMBER}, "parameters": {"grain": "month"}}

    open_view(dash_duo, {"sheet": "store-comparison", **month})
    assert points(dash_duo, "compare-trend") >= 2, "no point for the two stores' single month"
    assert x_ticks(dash_duo, "compare-trend") == ["Dec 2021"]
    assert mode_bars_over_data(dash_duo) == []

    open_view(dash_duo, {"sheet": "overview", **month})
    assert points(dash_duo, "trend") == 1
    assert points(dash_duo, "support-trend") == 4, "no point for the four call categories"
    for visual in ("trend", "support-trend"):
        assert x_ticks(dash_duo, visual) == ["Dec 2021"], visual
    assert mode_bars_over_data(dash_duo) == []

    # By week, the weeks that December cuts short are named as such, hatched, and the axis stays in December.
    open_view(dash_duo, OWNER_DECEMBER)
    assert "Partial week" in legend_text(dash_duo, "owner-weekly")
    bars = bar_widths(dash_duo, "owner-weekly")
    hatched = [width for width, pattern in bars if pattern]
    assert len(hatched) == 2, "the two weeks that December cuts short are not hatched"
    assert max(hatched) < max(width for width, _ in bars), "a partial week drawn as wide as a whole one"
    ticks = x_ticks(dash_duo, "owner-weekly")
    assert ticks and not any(t.startswith(("Nov", "Jan")) for t in ticks), ticks
    assert mode_bars_over_data(dash_duo) == []
    assert dash_duo.get_logs() == []


# 3, 4, 5 and 6: the Original view of the restaurants at 1280 and 1600 px ------------------------------

def test_rdr012_restaurant_map_legends_captions_and_axes_read_clearly(sign_in_to):
    dash_duo = sign_in_to("analyst", password=DEMO_PASSWORD)
    window_width(dash_duo, 1280)

    open_view(dash_duo, {"sheet": "overview"})
    for width in (1600, 1280):
        window_width(dash_duo, width)
        labels = map_labels(dash_duo)
        assert {"CA", "NY", "MA", "PA"} <= {label["text"] for label in labels}
        assert [lb["text"] for lb in labels if lb["contrast"] < 4.5] == [], "labels that do not read on their state"
        overlapping = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
                       if js(dash_duo, "return vmCharts.meets(arguments[0], arguments[1])", a["box"], b["box"])]
        assert overlapping == []
        assert {lb["text"]: lb["covers"] for lb in labels if lb["covers"]} == {}, (width, "labels over another state")
    faintest = js(dash_duo, "return Math.min(...[...vmCharts.graph('state-map')"
                            ".querySelectorAll('path.choroplethlocation')]"
                            ".map(p => vmCharts.contrast(getComputedStyle(p).fill, 'rgb(255, 255, 255)')))")
    assert faintest >= 1.3, "the lowest state is as white as a state without stores"
    # The y axis's "$0" and the first date under the plot's corner stay apart.
    assert js(dash_duo, """
      const g = vmCharts.graph('trend');
      const zero = [...g.querySelectorAll('g.ytick text')].find(t => t.textContent === '$0');
      return [...g.querySelectorAll('g.xtick text')].some(t => vmCharts.meets(vmCharts.box(zero), vmCharts.box(t)));
    """) is False
    assert lone_kpi(dash_duo) is False

    open_view(dash_duo, {"sheet": "store-comparison"})
    for width in (1280, 1600):
        window_width(dash_duo, width)
        placed = legend_meets_caption(dash_duo, "compare-category-mix")
        assert placed == {"meets": False, "cut": False}, (width, placed)
        labels = js(dash_duo, """
          return [...vmCharts.graph('compare-category-mix').querySelectorAll('.barlayer .point')].map(point => {
            const text = point.querySelector('text.bartext');
            if (!text || !vmCharts.shown(text)) return null;
            const t = vmCharts.box(text), bar = vmCharts.box(point.querySelector('path'));
            return {text: text.textContent, rotated: /rotate\\((?!0[ ,)])/.test(text.getAttribute('transform') || ''),
                    inside: t.l >= bar.l - 0.5 && t.r <= bar.r + 0.5};
          }).filter(Boolean);""")
        assert labels, "no share labelled"
        assert [lb for lb in labels if lb["rotated"] or not lb["inside"]] == [], width
    assert "Partial week" in legend_text(dash_duo, "compare-weekly-sales")
    assert mode_bars_over_data(dash_duo) == []
    assert dash_duo.get_logs() == []


# 6: iGaming at 1280 px ---------------------------------------------------------------------------------

def test_rdr013_gaming_tabs_and_kpis_fit_at_1280(sign_in_to):
    dash_duo = sign_in_to("analyst", "/dashboards/gaming", password=DEMO_PASSWORD)
    window_width(dash_duo, 1280)
    open_view(dash_duo, {"sheet": "demographics"}, dashboard="gaming")
    tabs = js(dash_duo, """
      return [...document.querySelectorAll('.vm-tabs .tab')].map(t => ({
        text: t.textContent, spills: t.scrollWidth > t.clientWidth + 1, box: vmCharts.box(t)}));""")
    assert [t["text"] for t in tabs if t["spills"]] == [], "tab labels wider than their tabs"
    assert all(a["box"]["r"] <= b["box"]["l"] + 1 for a, b in zip(tabs, tabs[1:], strict=False))
    assert mode_bars_over_data(dash_duo) == []

    open_view(dash_duo, {"sheet": "kpis"}, dashboard="gaming")
    assert lone_kpi(dash_duo) is False
    assert dash_duo.get_logs() == []
