"""The Flask app behind the web pages: `create_app(services)` in both modes, `handle_request` for main.py."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, send_from_directory

from . import inputs, security_headers, uploads, web_config, web_wording
from .auth import FirebaseTokens, LocalSessions
from .context import ApiContext
from .errors import ApiError, install_error_handlers
from .limits import JobRate
from .routes import (
    accounts,
    admin,
    calibration,
    designs,
    desk,
    download,
    drafts,
    job_events,
    jobs,
    preview,
    saved_designs,
    session,
    stuck,
    usage_callable,
)
from .submit import BlobSubmitter, Submitter
from .throttle import SignInThrottle

WEB_DIR = Path(__file__).resolve().parents[3] / "web"


def create_app(
    services: Any,
    *,
    submitter: Submitter | None = None,
    web_dir: Path | None = None,
    job_rate: JobRate | None = None,
    session_secret: str | bytes | None = None,
) -> Flask:
    """One app for the API (and, with `web_dir`, the static pages as `badgeforge serve` shows them).

    Sign-in comes from the settings: mode "local" with auth "local" signs users in with email+password against the
    local directory; anything else (the cloud, or `badgeforge serve` with BADGEFORGE_AUTH=firebase) verifies
    Firebase ID tokens. `submitter` decides how uploads reach render_badges
    (default: write them to the BlobStore, which is what triggers the Storage function in the cloud).
    """
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = uploads.InputLimits.of(services).form_bytes
    app.config["BADGEFORGE_WEB_DIR"] = str(web_dir) if web_dir else (str(WEB_DIR) if WEB_DIR.is_dir() else None)
    settings = getattr(services, "settings", None)
    local_auth = getattr(settings, "mode", "local") == "local" and getattr(settings, "auth", "local") == "local"
    sessions = (
        LocalSessions(
            services.users,
            session_secret or _session_secret(services),
            SignInThrottle(services.db, services.clock),
            services.clock,
        )
        if local_auth
        else None
    )
    app.extensions["badgeforge"] = ApiContext(
        services=services,
        authenticator=sessions or FirebaseTokens(getattr(services.users, "app", None)),
        submitter=submitter or BlobSubmitter(services.blobs, _csv_max_bytes(services)),
        sessions=sessions,
        job_rate=job_rate or _job_rate(services),
    )
    install_error_handlers(app)
    web_wording.install(app)
    pages = (
        session,
        accounts,
        designs,
        saved_designs,
        drafts,
        preview,
        calibration,
        jobs,
        job_events,
        admin,
        stuck,
        download,
        usage_callable,
        desk,
    )
    for module in pages:
        app.register_blueprint(module.bp)
    if web_dir is not None:
        _serve_pages(app, Path(web_dir))
    inputs.install(app)
    security_headers.install(
        app, firebase_auth=web_config.firebase_auth(settings), extra_sources=web_config.extra_sources(settings)
    )
    return app


def _csv_max_bytes(services: Any) -> int:
    return int(getattr(getattr(services, "settings", None), "csv_max_bytes", 10_000_000))


def _job_rate(services: Any) -> JobRate:
    settings = getattr(services, "settings", None)
    return JobRate.from_settings(settings) if settings is not None else JobRate()


def _session_secret(services: Any) -> bytes:
    """Local sessions are signed with a key kept beside the local data (made once), or BADGEFORGE_SESSION_SECRET."""
    configured = os.environ.get("BADGEFORGE_SESSION_SECRET")
    if configured:
        return configured.encode()
    home = getattr(getattr(services, "settings", None), "home", None)
    if home is None:
        return secrets.token_bytes(32)  # sessions last for this process only
    from badgeforge.private_files import read_or_create_secret

    return read_or_create_secret(Path(home) / "session.key", lambda: secrets.token_bytes(32))


def _serve_pages(app: Flask, web_dir: Path) -> None:
    """Static pages with the URLs Hosting gives them (/, /admin, /desk, /studio, /jobs.html), for `badgeforge serve`.

    The pages are built from web/pages/ and the shared layout; a stale or missing page is rebuilt here first.
    """
    from badgeforge import web_build

    web_build.ensure_built(web_dir)

    @app.get("/config.json")
    def config_json():
        """What Hosting serves as a generated file: which sign-in the pages offer (and Firebase's web config)."""
        return jsonify(web_config.page_config(app.extensions["badgeforge"].services.settings))

    @app.get("/")
    def index():
        return send_from_directory(web_dir, "index.html")

    @app.get("/admin")
    def admin_page():
        return send_from_directory(web_dir, "admin.html")

    @app.get("/studio")
    def studio_page():
        return send_from_directory(web_dir, "studio.html")

    @app.get("/desk")
    def desk_page():
        return send_from_directory(web_dir, "desk.html")

    @app.get("/kiosk")
    def kiosk_page():
        return send_from_directory(web_dir, "kiosk.html")

    @app.get("/<path:name>")
    def static_file(name: str):
        if name.startswith("api/"):
            raise ApiError(404, "not_found", "No such API route.")
        return send_from_directory(web_dir, name)


_cloud_app: Flask | None = None
_cloud_app_lock = threading.Lock()


def handle_request(req: Any, services: Any | None = None) -> Any:
    """For functions/main.py: `return handle_request(req, _services())` inside `api = https_fn.on_request(...)`.

    `req` is the flask.Request the Functions Framework hands over; the app is built once per instance (from
    `services`, else the process-wide badgeforge.config.get_services()) and answers with a flask.Response.
    The api function serves many requests at once on one instance (Functions Framework threads): the app is
    built under a lock, and each request runs in its own Flask request context, so no state is shared but the
    app and the adapters (which are safe to share between threads).
    """
    global _cloud_app
    app = _cloud_app
    if app is None:
        with _cloud_app_lock:
            if _cloud_app is None:
                if services is None:
                    from badgeforge.config import get_services

                    services = get_services()
                _cloud_app = create_app(services)
            app = _cloud_app
    with app.request_context(req.environ):
        return app.full_dispatch_request()
