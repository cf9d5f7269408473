"""Customer profiles and the lookalike model, wired to the store."""
