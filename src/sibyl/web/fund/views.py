"""Pages of the fund area."""
