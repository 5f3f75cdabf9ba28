"""The JSON API (the README's "JSON API" section)."""
