"""The declaration model: a dashboard is data — sheets, visuals and controls, checked when built — and
the query context a view gives its queries. Everything else (page, callbacks, API, view-state validation)
is derived from a declaration (docs/architecture.md)."""
