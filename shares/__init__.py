"""Shared links: immutable snapshots of a view, opened at ``/s/<token>`` by colleagues who may see the
dashboard (with their own row restrictions), and kept as their own bookmark if they wish."""
