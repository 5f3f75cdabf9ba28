"""The page shell: banner, navigation, the route table, the pages and the signed-in user's corner.

It composes the dashboards' page and the bookmark pane; nothing below it imports it (docs/architecture.md).
"""
