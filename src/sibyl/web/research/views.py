"""Pages of the research area."""
