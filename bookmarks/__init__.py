"""Bookmarks: saved view states of a dashboard, per user."""
