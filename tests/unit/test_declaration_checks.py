"""Declarations are checked when built: a wrong one fails at import, naming the control or visual."""

from __future__ import annotations

import re

import pytest

from declarations.model import Control, Dashboard, DeclarationError, Option, Sheet, Visual

OPTIONS = (Option("a", "A"), Option("b", "B"))


def query(engine, ctx):
    return None


def figure(frame, ctx):
    return None


def options_query(engine, ctx):
    return list(OPTIONS)


def multi(cid: str = "brand", **changes) -> Control:
    return Control(cid, cid.title(), **{"kind": "filter", "type": "multi", "default": [], "options": OPTIONS,
                                        **changes})


def single(cid: str = "metric", **changes) -> Control:
    return Control(cid, cid.title(), **{"kind": "parameter", "type": "single", "default": "a", "options": OPTIONS,
                                        **changes})


def date_range(**changes) -> Control:
    return Control("date_range", "Date range", **{"kind": "filter", "type": "date_range",
                                                  "default": ("2022-01-01", "2022-12-31"),
                                                  "bounds": ("2021-01-01", "2022-12-31"), **changes})


def graph(vid: str = "trend", **changes) -> Visual:
    return Visual(vid, vid.title(), **{"query": query, "figure": figure, **changes})


def board(sheets=None, controls=None) -> Dashboard:
    return Dashboard("demo", "Demo", sheets=sheets or (Sheet("first", "First", (graph(),)),),
                     controls=(multi(),) if controls is None else controls)


def fails(*names: str):
    """Expects a DeclarationError whose message names every one of ``names``."""
    return pytest.raises(DeclarationError, match="(?s)" + "".join(f"(?=.*{re.escape(repr(n))})" for n in names))


def test_decl000_valid_declarations_build():
    dashboard = board(controls=(date_range(), multi(), multi("country", options_query=options_query,
                                                             options=(), depends_on=("brand",)), single()))
    assert [c.id for c in dashboard.controls] == ["date_range", "brand", "country", "metric"]
    assert issubclass(DeclarationError, ValueError)


def test_decl001_duplicate_control_id():
    with fails("brand"):
        board(controls=(multi("brand"), multi("country"), multi("brand")))


def test_decl002_duplicate_visual_id_in_a_sheet():
    with fails("first", "trend"):
        Sheet("first", "First", (graph("trend"), graph("trend")))


def test_decl003_duplicate_visual_id_across_sheets():
    with fails("trend", "first", "second"):
        board(sheets=(Sheet("first", "First", (graph("trend"),)), Sheet("second", "Second", (graph("trend"),))))


def test_decl004_duplicate_sheet_id():
    with fails("first"):
        board(sheets=(Sheet("first", "First", (graph("a"),)), Sheet("first", "Again", (graph("b"),))))


def test_decl005_depends_on_a_control_declared_later():
    with fails("city", "state"):
        board(controls=(multi("city", depends_on=("state",)), multi("state")))


def test_decl006_depends_on_an_unknown_control():
    with fails("city", "region"):
        board(controls=(multi("state"), multi("city", depends_on=("region",))))


def test_decl007_depends_on_itself():
    with fails("city"):
        multi("city", depends_on=("city",))


def test_decl008_query_not_callable():
    with fails("trend"):
        graph("trend", query="SELECT 1")


def test_decl009_graph_without_figure():
    with fails("trend"):
        graph("trend", figure=None)


def test_decl010_table_with_figure():
    with fails("top-stores"):
        Visual("top-stores", "Top stores", query, kind="table", figure=figure)


def test_decl011_unknown_visual_kind():
    with fails("trend", "chart"):
        graph("trend", kind="chart")


def test_decl012_visual_width_out_of_range():
    with fails("trend", 13):
        graph("trend", width=13)


def test_decl013_unknown_column_format():
    with fails("top-stores", "currency"):
        Visual("top-stores", "Top stores", query, kind="table", formats={"revenue": "currency"})


def test_decl014_unknown_control_kind():
    with fails("brand", "filters"):
        multi("brand", kind="filters")


def test_decl015_unknown_control_type():
    with fails("brand", "checklist"):
        multi("brand", type="checklist")


def test_decl016_control_arguments_after_label_are_keyword_only():
    with pytest.raises(TypeError):
        Control("brand", "Brand", "filter", "multi", [], OPTIONS)


def test_decl017_control_without_options():
    with fails("brand"):
        multi("brand", options=())


def test_decl018_static_and_computed_options():
    with fails("brand"):
        multi("brand", options_query=options_query)


def test_decl019_duplicate_option_values():
    with fails("metric", "a"):
        single("metric", options=(Option("a", "A"), Option("a", "Again")))


def test_decl020_single_default_not_among_options():
    with fails("metric", "c"):
        single("metric", default="c")


def test_decl021_single_default_is_one_value():
    with fails("metric"):
        single("metric", default=["a"])


def test_decl022_multi_default_not_a_list():
    with fails("brand"):
        multi("brand", default="a")


def test_decl023_multi_default_not_among_options():
    with fails("brand", "c"):
        multi("brand", default=["a", "c"])


def test_decl024_computed_options_check_the_default_shape_only():
    assert multi("brand", options=(), options_query=options_query, default=["anything"]).default == ["anything"]
    assert single("metric", options=(), options_query=options_query, default="anything").default == "anything"
    with fails("brand"):
        multi("brand", options=(), options_query=options_query, default=None)
    with fails("metric"):
        single("metric", options=(), options_query=options_query, default=("a", "b"))


def test_decl025_date_range_without_bounds():
    with fails("date_range"):
        date_range(bounds=None)


def test_decl026_date_range_default_not_iso_dates():
    with fails("date_range"):
        date_range(default=("2022-01-01", "last month"))
    with fails("date_range"):
        date_range(default="2022-01-01")


def test_decl027_date_range_default_ends_before_it_starts():
    with fails("date_range"):
        date_range(default=("2022-06-01", "2022-05-31"))


def test_decl028_date_range_default_outside_bounds():
    with fails("date_range"):
        date_range(default=("2020-12-31", "2022-01-31"))
    with fails("date_range"):
        date_range(default=("2022-01-01", "2023-01-01"))


def test_decl029_date_range_bounds_end_before_they_start():
    with fails("date_range"):
        date_range(bounds=("2022-12-31", "2021-01-01"))


def test_decl030_dashboard_without_sheets():
    with fails("demo"):
        Dashboard("demo", "Demo", sheets=(), controls=())


def test_decl031_a_click_filter_names_a_multi_select_filter():
    dashboard = board(sheets=(Sheet("first", "First", (graph(click_filter="brand"),)),))
    assert dashboard.visual("trend").click_filter == "brand"
    assert graph().click_filter is None


def test_decl032_a_click_filter_that_is_no_control_names_the_visual():
    with fails("demo", "trend", "region"):
        board(sheets=(Sheet("first", "First", (graph(click_filter="region"),)),))


@pytest.mark.parametrize("control", [single("metric"), single("metric", kind="filter"), date_range()],
                         ids=["parameter", "single-filter", "date-range"])
def test_decl033_a_click_filter_on_a_control_that_is_not_a_multi_select_filter(control):
    with fails("trend", control.id):
        board(sheets=(Sheet("first", "First", (graph(click_filter=control.id),)),), controls=(multi(), control))


def test_decl034_only_a_graph_takes_a_click_filter_and_only_as_a_control_id():
    with fails("top"):
        Visual("top", "Top", query, kind="table", click_filter="brand")
    with fails("trend"):
        graph(click_filter=["brand"])
    with pytest.raises(TypeError):  # keyword only: a positional argument cannot land in it by mistake
        Visual("trend", "Trend", query, "graph", figure, 6, "", {}, "brand")
