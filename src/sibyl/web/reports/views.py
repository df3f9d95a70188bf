"""Pages of the reports area."""
