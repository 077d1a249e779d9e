"""Article history: versions of an article over time, and what changed between them."""
