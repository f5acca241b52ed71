"""Placeholder: replaced by the helper that builds the `importeer` commands."""

import typer

app = typer.Typer(help="Importeer signalen en partnerbestanden.")
