"""`badgeforge serve`: the web pages and the API on 127.0.0.1, with the local adapters and the local runtime.

Jobs run on the runtime's background threads (the same main.render_badges / main.send_badge_mail the cloud runs),
so the page follows real progress. The sweep runs at start and then every --sweep-interval seconds (retries off,
as in the cloud: it is what re-drives dead renders and deferred mails). Ctrl-C (or SIGTERM) stops the server and
waits for running jobs to finish.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import socket
from datetime import timedelta

import click


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _raise_interrupt(signum, frame):  # SIGTERM behaves like Ctrl-C: a clean stop
    raise KeyboardInterrupt


@click.command()
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--quiet", is_flag=True, help="Do not log every request.")
@click.option(
    "--sweep-interval",
    type=click.IntRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Sweep this often (default BADGEFORGE_SWEEP_INTERVAL_SECONDS, else 60; 0: only at start).",
)
def serve(port: int, host: str, quiet: bool, sweep_interval: int | None) -> None:
    """Serve the upload form, My badges, the admin console and download links locally."""
    from werkzeug.serving import make_server

    from badgeforge.api import create_app
    from badgeforge.api.app import WEB_DIR
    from badgeforge.api.submit import RuntimeSubmitter
    from badgeforge.config import ConfigError, Settings, build_services
    from badgeforge.runtime import LocalRuntime
    from badgeforge.runtime.scheduler import SweepLoop, describe

    try:
        settings = Settings.from_env()
    except ConfigError as err:
        raise click.ClickException(str(err)) from err
    if settings.mode != "local":
        raise click.ClickException("`badgeforge serve` runs the local mode; unset BADGEFORGE_MODE=firebase.")
    port = port or _free_port(host)
    url = f"http://{host}:{port}"
    if "BADGEFORGE_PUBLIC_URL" not in os.environ:  # links in emails must point at this server
        settings = dataclasses.replace(settings, public_base_url=url)
    services = build_services(settings)
    runtime = LocalRuntime(services, background=True)
    app = create_app(services, submitter=RuntimeSubmitter(runtime), web_dir=WEB_DIR)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror}; try --port 0") from err
    logging.getLogger("werkzeug").setLevel(logging.WARNING if quiet else logging.INFO)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    click.echo(f"BadgeForge is running at {url}/  (data in {settings.home}; Ctrl-C to stop)", err=False)
    interval = settings.sweep_interval if sweep_interval is None else timedelta(seconds=sweep_interval)
    sweeper = SweepLoop(runtime, interval, on_report=lambda report: click.echo(describe(report))).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopping: waiting for running jobs to finish…")
    finally:
        server.server_close()
        sweeper.stop()
        runtime.close()
    click.echo("Stopped.")
