"""Analytical data: the generated datasets, the store that holds them and the query engine."""
