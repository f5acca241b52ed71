"""Placeholder: replaced by the helper that builds the `quarantaine` commands."""

import typer

app = typer.Typer(help="Bekijk en behandel rijen in quarantaine.")
