"""Pages of the cohort area."""
