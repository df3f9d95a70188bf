"""Register extracts and cohort files: reading them into checked, typed rows.

:func:`read_extract` reads a register extract (the city's service periods), :func:`read_cohort`
a cohort file (the children's follow-up spells). Both report every rejected row with its line,
column, masked value and reason, and never show a raw identity code.
"""

from sibyl.register.cohort import EXIT_REASON_ALIASES, read_cohort
from sibyl.register.model import (
    EPISODE_SCHEMA,
    EXIT_REASONS,
    Cohort,
    Episode,
    ExitReason,
    Extract,
    FollowupSpell,
    Identifier,
    ReadWarning,
    RejectedRow,
    episodes_table,
)
from sibyl.register.reader import read_extract

__all__ = [
    "EPISODE_SCHEMA",
    "EXIT_REASONS",
    "EXIT_REASON_ALIASES",
    "Cohort",
    "Episode",
    "ExitReason",
    "Extract",
    "FollowupSpell",
    "Identifier",
    "ReadWarning",
    "RejectedRow",
    "episodes_table",
    "read_cohort",
    "read_extract",
]
