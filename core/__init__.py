"""Pieces every part of Viewmark shares: error types and the per-app runtime."""
