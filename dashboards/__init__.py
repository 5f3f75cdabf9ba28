"""The dashboards: declarations (data), their queries and figures, and the rendering derived from them."""
