"""Pages of the imports area."""
