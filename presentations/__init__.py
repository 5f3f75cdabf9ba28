"""Named presentations: ordered slides, each following one of the owner's bookmarks (of any dashboard) or a
shared link they received; shown as a deck, read for the viewer, skipping what is gone."""
