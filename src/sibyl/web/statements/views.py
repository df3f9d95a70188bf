"""Pages of the statements area."""
