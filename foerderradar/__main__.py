"""``python -m foerderradar`` runs the CLI."""

from foerderradar.cli import app

app()
