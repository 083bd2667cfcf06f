"""`badgeforge station --name desk-2 --user EMAIL --printer NAME [--zpl-host H:9100]`: the station agent."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading

import click

from badgeforge.cli._context import find_user, friendly_errors, services
from badgeforge.services.keys import is_safe_key


@click.command()
@click.option(
    "--name", "station", required=True, help="This station's name, as the desk queues prints for it (desk-2)."
)
@click.option("--user", "email", required=True, help="The organizer whose print queue this station serves.")
@click.option("--printer", default=None, help="CUPS queue for PDF labels (and ZPL, raw, without --zpl-host).")
@click.option("--zpl-host", default=None, metavar="HOST:PORT", help="Zebra printer for ZPL labels (raw TCP, 9100).")
@click.option("--cups-server", default=None, metavar="HOST:PORT", help="CUPS scheduler (default: the local one).")
@click.option(
    "--fallback",
    "fallback_seconds",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds between safety checks of the queue (a queued print wakes the station at once).",
)
@click.option("--once", is_flag=True, help="Print what is queued now, then exit (prints a JSON summary).")
def station(
    station: str,
    email: str,
    printer: str | None,
    zpl_host: str | None,
    cups_server: str | None,
    fallback_seconds: float,
    once: bool,
) -> None:
    """Print the labels the desk queues for this station, through CUPS (`lp`) or raw TCP 9100 (ZPL)."""
    from badgeforge.adapters.printers import CupsPrinter, RawTcpPrinter
    from badgeforge.services.station import Station

    if not is_safe_key(station) or len(station) > 100:
        raise click.BadParameter("use letters, digits and - (no . $ # [ ] /)", param_hint="--name")
    if not printer and not zpl_host:
        raise click.UsageError("Say where to print: --printer NAME (CUPS) and/or --zpl-host HOST:PORT")
    with friendly_errors():
        svc = services()
        user = find_user(svc, email)
        agent = Station(
            svc,
            user.uid,
            station,
            agent=f"{socket.gethostname()}:{os.getpid()}",
            pdf_printer=CupsPrinter(printer, server=cups_server) if printer else None,
            zpl_printer=RawTcpPrinter.parse(zpl_host) if zpl_host else None,
        )
        if once:
            recovered = agent.start()
            agent.run_once()
            click.echo(json.dumps({"printed": agent.printed, "failed": agent.failed, "recovered": recovered}))
            raise SystemExit(1 if agent.failed else 0)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"station {station}: printing for {email} (Ctrl+C to stop)", err=True)
        agent.run(stop, fallback_seconds)
