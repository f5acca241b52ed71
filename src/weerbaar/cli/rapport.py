"""`weerbaar rapport ...`: reports made from the shared picture.

`ondermijningsbeeld` writes the ondermijningsbeeld of the municipality (or one wijk) as PDF or
printable HTML: aggregates only, small counts shown as "<5", logged as an export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weerbaar.cli.common import err, fail, transaction
from weerbaar.cli.importeer import Gebruiker, cli_principal
from weerbaar.picture import report as picture_report
from weerbaar.picture import report_render
from weerbaar.prevention.barriers import report_lines as barrier_report_lines

app = typer.Typer(help="Rapporten uit het gedeelde beeld maken.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Rapporten uit het gedeelde beeld maken."""


def format_of(path: Path) -> str:
    """The format from the file's extension: .pdf or .html (.htm); anything else is a Dutch error."""
    suffix = path.suffix.lower().lstrip(".")
    fmt = "html" if suffix == "htm" else suffix
    if fmt not in report_render.FORMATS:
        fail(f"Onbekende extensie '{path.suffix or '(geen)'}' van '{path}'; gebruik .pdf of .html.")
    return fmt


@app.command("ondermijningsbeeld")
def ondermijningsbeeld(
    uitvoer: Annotated[Path, typer.Option("--uitvoer", "-o", metavar="BESTAND",
                                          help="Het rapport: BESTAND.pdf of BESTAND.html.")],
    wijk: Annotated[str | None, typer.Option("--wijk", metavar="CODE",
                                             help="Alleen deze wijk (wijkcode, bijvoorbeeld WK999001).")] = None,
    gebruiker: Gebruiker = None,
) -> None:
    """Het ondermijningsbeeld van de gemeente of één wijk: fenomenen, trends, kaart, indicatoren,
    casussen, effect en aanbevelingen. Alleen aantallen, kleine aantallen als "<5"; geen persoonsgegevens."""
    fmt = format_of(uitvoer)
    with transaction({"wijk": "--wijk"}) as (runtime, session):
        principal = cli_principal(runtime, gebruiker)
        doc = picture_report.build_report(session, principal, runtime.catalogue, wijk=wijk,
                                           barriers=barrier_report_lines)
        body, _, _ = report_render.rendered(doc, fmt)
        try:
            uitvoer.write_bytes(body)
        except OSError as exc:
            fail(f"Kan niet schrijven naar '{uitvoer}' ({exc.strerror or exc}).")
    err().print(f"{doc.title} ({doc.period}) geschreven naar {uitvoer}.", markup=False)
