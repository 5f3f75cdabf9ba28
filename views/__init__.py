"""The view of a dashboard: its state, resolved for a viewer, in a URL, remembered, and where it comes from.

``state`` (format), ``resolve`` (viewer-aware), ``url`` (address form), ``preferences`` (default and last
view), ``sources`` (the opening chain). See docs/view-state.md and docs/architecture.md.
"""
