"""Sibyl: outcome-based contracts (social impact bonds) for child and family services.

The package is a library first: the contract model (:mod:`sibyl.contract`), the working-day
calendar (:mod:`sibyl.calendar`), identity codes (:mod:`sibyl.identity`), register extracts
(:mod:`sibyl.register`), the settlement engine (:mod:`sibyl.settlement`) and synthetic data
(:mod:`sibyl.synth`). The command line (:mod:`sibyl.cli`) is a thin layer over it.
"""

__version__ = "0.1.0"
