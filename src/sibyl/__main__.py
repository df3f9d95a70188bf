"""``python -m sibyl`` runs the command line."""

from sibyl.cli import main

main()
