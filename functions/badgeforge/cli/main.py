"""Entry point of the `badgeforge` command: a click group whose subcommands load lazily (fast start-up)."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute"; a subcommand module is imported only when that subcommand runs (or for --help).
SUBCOMMANDS: dict[str, str] = {
    "render": "badgeforge.cli.render_cmd:render",
    "designs": "badgeforge.cli.designs_cmd:designs",
    "presets": "badgeforge.cli.presets_cmd:presets",
    "calibration": "badgeforge.cli.calibration_cmd:calibration",
    "run": "badgeforge.cli.run_cmd:run",
    "users": "badgeforge.cli.users_cmd:users",
    "admin": "badgeforge.cli.admin_cmd:admin",
    "jobs": "badgeforge.cli.jobs_cmd:jobs",
    "serve": "badgeforge.cli.serve_cmd:serve",
    "sweep": "badgeforge.cli.sweep_cmd:sweep",
    "station": "badgeforge.cli.station_cmd:station",
}


class LazyGroup(click.Group):
    """Lists every subcommand but imports its module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            return None  # subcommand not built yet
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="badgeforge")
def cli() -> None:
    """BadgeForge: print-ready event badges from any attendee CSV."""


def main() -> None:
    cli(prog_name="badgeforge")
