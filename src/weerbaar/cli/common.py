"""What every command shares: the runtime, one transaction, and Dutch errors with exit codes.

Exit code 2 means the input was wrong (the user can fix it); 1 means something else failed
(database unreachable, broken catalogue). A user's mistake never shows a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from weerbaar.core.catalogue import CatalogueError
from weerbaar.core.config import Settings
from weerbaar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import User
from weerbaar.core.runtime import Runtime

BAD_INPUT = 2
FAILURE = 1


def out() -> Console:
    # Created per call: the test runner swaps sys.stdout between invocations.
    return Console(highlight=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str | list[str], code: int = BAD_INPUT) -> NoReturn:
    """Print a Dutch error (one problem per line) and stop with the exit code."""
    lines = [message] if isinstance(message, str) else message
    console = err()
    if len(lines) == 1:
        console.print(f"Fout: {lines[0]}", style="red", markup=False)
    else:
        console.print("Fout:", style="red")
        for line in lines:
            console.print(f"- {line}", style="red", markup=False)
    raise typer.Exit(code)


def validation_lines(exc: ValidationFailed, labels: dict[str, str] | None = None) -> list[str]:
    """Each field error on its own line, named as the user typed it (e.g. --type)."""
    labels = labels or {}
    return [f"{labels.get(e.name, e.name)}: {e.reason}" for e in exc.errors]


def open_runtime(settings: Settings | None = None) -> Runtime:
    try:
        return Runtime.start(settings)
    except CatalogueError as exc:
        fail(exc.problems, FAILURE)
    except SQLAlchemyError as exc:
        fail(f"De database is niet bereikbaar of niet bij te werken ({_first_line(exc)}).", FAILURE)
    except OSError as exc:
        fail(f"De gegevensmap of database kan niet worden geopend ({exc}).", FAILURE)


@contextmanager
def transaction(
    labels: dict[str, str] | None = None, settings: Settings | None = None
) -> Iterator[tuple[Runtime, Session]]:
    """Open the runtime and run the block in one transaction: all of it is stored, or none.

    Domain errors become Dutch messages with exit code 2 (bad input) or 1 (other failures).
    """
    runtime = open_runtime(settings)
    try:
        with runtime.db.transaction() as session:
            yield runtime, session
    except ValidationFailed as exc:
        fail(validation_lines(exc, labels))
    except NotFound as exc:
        fail(str(exc) or "Niet gevonden.")
    except (Forbidden, Conflict) as exc:
        fail(exc.reason)
    except SQLAlchemyError as exc:
        fail(f"De database gaf een fout; er is niets opgeslagen ({_first_line(exc)}).", FAILURE)
    finally:
        runtime.db.engine.dispose()


def find_user(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"Er is geen gebruiker met e-mailadres '{email.strip()}'.")
    return user


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
