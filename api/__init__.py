"""The JSON API (PRODUCT.md §6)."""
