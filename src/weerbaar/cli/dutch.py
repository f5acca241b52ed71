"""Dutch for the command line: help texts, usage lines and usage errors.

Typer (with its vendored Click) writes its own texts in English. Everything a user reads
must be Dutch, so the root command group translates usage errors itself and turns every
command in the tree (also those of sub-apps written elsewhere) into a Dutch-speaking one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from typer import rich_utils
from typer._click import Context, HelpFormatter
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
)
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort

from weerbaar.intake.schemas import to_field_errors

# Panel titles and markers in Typer's Rich help (read at call time, so setting them works).
rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenten"
rich_utils.OPTIONS_PANEL_TITLE = "Opties"
rich_utils.COMMANDS_PANEL_TITLE = "Opdrachten"
rich_utils.ERRORS_PANEL_TITLE = "Fout"
rich_utils.ABORTED_TEXT = "Afgebroken."
rich_utils.DEFAULT_STRING = "[standaard: {}]"
rich_utils.ENVVAR_STRING = "[omgevingsvariabele: {}]"
rich_utils.REQUIRED_LONG_STRING = "[verplicht]"
rich_utils.DEPRECATED_STRING = "(verouderd) "
rich_utils.RICH_HELP = "Zie [blue]'{command_path} {help_option}'[/] voor hulp."

HELP_TEXT = "Toon deze hulp en stop."
USAGE_PREFIX = "Gebruik: "
_USAGE_WORDS = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}

# English value messages (Click, Typer) and their Dutch counterparts.
_VALUE_MESSAGES: list[tuple[str, str]] = [
    (r"^(?P<v>.+) is not in the range (?P<r>.+)\.$", "{v} ligt niet in het bereik {r}."),
    (r"^(?P<v>.+) is not a valid (?P<t>.+)\.$", "{v} is geen geldige waarde ({t})."),
    (r"^(?P<v>.+) is not one of (?P<c>.+)\.$", "{v} is geen van de keuzes {c}."),
]


def _dutch_value_message(exc: BadParameter) -> str:
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        reasons = [e.reason for e in to_field_errors(cause)]
        if reasons:
            return " ".join(reasons)
    for pattern, template in _VALUE_MESSAGES:
        match = re.match(pattern, exc.message)
        if match:
            return template.format(**match.groupdict())
    return exc.message


def _hint(exc: BadParameter) -> str:
    hint: Sequence[str] | str | None = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint()
    if hint is None:
        return ""
    if isinstance(hint, str):
        return hint
    return " / ".join(f"'{h}'" for h in hint)


def dutch_message(exc: ClickException) -> str:
    """The usage error in Dutch, naming the parameter at fault."""
    if isinstance(exc, MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        noun = {"argument": "Het argument", "option": "De optie"}.get(kind, "De parameter")
        return f"{noun} {_hint(exc)} ontbreekt.".replace("  ", " ")
    if isinstance(exc, BadParameter):
        hint = _hint(exc)
        reason = _dutch_value_message(exc)
        return f"Ongeldige waarde voor {hint}: {reason}" if hint else f"Ongeldige waarde: {reason}"
    if isinstance(exc, NoSuchOption):
        text = f"Onbekende optie: {exc.option_name}."
        if exc.possibilities:
            text += " Bedoelt u " + " of ".join(sorted(exc.possibilities)) + "?"
        return text
    message = exc.message
    patterns = [
        (r"^No such command '(?P<n>.*)'\.$", "Onbekende opdracht '{n}'."),
        (r"^Missing command\.$", "Geef een opdracht."),
        (r"^Got unexpected extra arguments? \((?P<a>.*)\)$", "Onverwacht extra argument: {a}."),
        (r"^Option '(?P<o>.*)' requires an argument\.$", "De optie '{o}' heeft een waarde nodig."),
        (r"^Option '(?P<o>.*)' requires (?P<n>\d+) arguments\.$", "De optie '{o}' heeft {n} waarden nodig."),
        (r"^Option '(?P<o>.*)' does not take a value\.$", "De optie '{o}' neemt geen waarde."),
    ]
    for pattern, template in patterns:
        match = re.match(pattern, message)
        if match:
            return template.format(**match.groupdict())
    return message


def _print_usage_error(exc: ClickException) -> None:
    console = Console(stderr=True, highlight=False)
    ctx: Context | None = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(ctx.get_usage(), markup=False)
        console.print(f"Zie '{ctx.command_path} --help' voor hulp.", style="dim", markup=False)
    console.print(f"Fout: {dutch_message(exc)}", style="red", markup=False)


def _format_usage(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
    pieces = " ".join(self.collect_usage_pieces(ctx))
    for english, dutch in _USAGE_WORDS.items():
        pieces = pieces.replace(english, dutch)
    formatter.write_usage(ctx.command_path, pieces, prefix=USAGE_PREFIX)


def _dutch_help_option(option: Any) -> Any:
    if option is not None:
        option.help = HELP_TEXT
    return option


# Subclasses without a mixin base: a mixin would change the object layout, and the class of
# commands built by Typer is swapped in place (see _make_dutch).
class DutchCommand(TyperCommand):
    __slots__ = ()
    format_usage = _format_usage

    def get_help_option(self, ctx: Context) -> Any:
        return _dutch_help_option(super().get_help_option(ctx))


class DutchGroup(TyperGroup):
    """A command group that speaks Dutch, and makes every command beneath it do the same."""

    __slots__ = ()
    format_usage = _format_usage

    def get_help_option(self, ctx: Context) -> Any:
        return _dutch_help_option(super().get_help_option(ctx))

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _make_dutch(self.commands.values())

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        # Run non-standalone so that usage errors reach us untranslated; exit codes as Click.
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError as exc:
            # Typer's Rich help has already been printed while the error was made.
            if exc.format_message().strip():
                Console().print(exc.format_message(), markup=False, highlight=False)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            _print_usage_error(exc)
            sys.exit(exc.exit_code)
        except Abort:
            Console(stderr=True).print("Afgebroken.", style="red")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _make_dutch(commands: Any) -> None:
    # The command objects are built by Typer before the root group; swapping the class of a
    # plain Typer command to its Dutch subclass (which adds behaviour, no state) is safe.
    for command in commands:
        if type(command) is TyperCommand:
            command.__class__ = DutchCommand
        elif type(command) is TyperGroup:
            command.__class__ = DutchGroup
        if isinstance(command, TyperGroup):
            _make_dutch(command.commands.values())
