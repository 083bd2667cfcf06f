"""Settings from the environment and the one place that picks adapters (local or firebase), once per process.

Why one place: services take ports as arguments, so every entry point (Cloud Function, CLI, web app, local
runtime) asks `get_services()` for the same adapters instead of building its own.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from badge_renderer import limits
from badgeforge.ports import BlobStore, Clock, LinkSigner, Mailer, TaskQueue, TreeDatabase, UserDirectory
from badgeforge.private_files import read_or_create_secret
from badgeforge.services.usage import MAX_ALLOWED_USAGE

Mode = Literal["local", "firebase"]
LinkMode = Literal["signed", "page"]
SignUp = Literal["open", "invite"]
AuthMode = Literal["local", "firebase"]  # who signs people in: the local directory, or Firebase Authentication

MAX_SIGNED_TTL = timedelta(days=7)  # V4 signed URLs cannot live longer (ValueError beyond)
LOCAL_BUCKET = "badgeforge-local.appspot.com"


class ConfigError(ValueError):
    """The environment does not describe a usable configuration (message says which variable to set)."""


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: int() would also take "1_000" and "١٢"
# Variable -> (lowest, highest) accepted. Why: a typo (10^30 badges, a negative TTL, a link TTL past what datetime
# can add) must stop start-up with a message naming the variable, not become an unlimited account or a 500 later.
_INT_BOUNDS = {
    "BADGEFORGE_DEFAULT_USAGE": (0, MAX_ALLOWED_USAGE),
    "BADGEFORGE_LINK_TTL_HOURS": (1, 24 * 3650),
    "BADGEFORGE_PAGE_LINK_TTL_DAYS": (1, 3650),
    "BADGEFORGE_MAX_ATTEMPTS": (1, 100),
    "BADGEFORGE_CSV_MAX_BYTES": (1, limits.CSV_MAX_BYTES_CEILING),
    "BADGEFORGE_CSV_MAX_ROWS": (1, limits.CSV_MAX_ROWS_CEILING),
    "BADGEFORGE_IMAGE_MAX_BYTES": (1, limits.IMAGE_MAX_BYTES),  # the renderer's cap: only lower it
    "BADGEFORGE_RENDER_LEASE_SECONDS": (0, 7 * 24 * 3600),  # at least 1: _seconds_env says so
    "BADGEFORGE_SWEEP_INTERVAL_SECONDS": (0, 24 * 3600),
    "BADGEFORGE_DATABASE_MAX_BYTES": (0, 2**50),
    "BADGEFORGE_VERIFY_TTL_SECONDS": (1, 30 * 24 * 3600),
    "BADGEFORGE_RESET_TTL_SECONDS": (1, 7 * 24 * 3600),
    "BADGEFORGE_FANOUT_MIN_ROWS": (1, limits.CSV_MAX_ROWS_CEILING + 1),
    "BADGEFORGE_FANOUT_MAX_ROWS": (1, limits.CSV_MAX_ROWS_CEILING),
    "BADGEFORGE_FANOUT_MAX_BYTES": (1, limits.CSV_MAX_BYTES_CEILING),
    "BADGEFORGE_FANOUT_CHUNK_BADGES": (1, limits.CSV_MAX_ROWS_CEILING),
    "BADGEFORGE_FANOUT_CHUNK_WORKERS": (0, 64),
    "BADGEFORGE_SPOOL_MAX_BYTES": (0, 2**50),
}


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise ConfigError(f"{name} must be a whole number, not {raw[:40]!r}")
    value = int(raw)
    low, high = _INT_BOUNDS.get(name, (-(2**63), 2**63 - 1))
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:,} and {high:,}, not {value:,}")
    return value


def _seconds_env(env: Mapping[str, str], name: str, default: timedelta, *, minimum: int = 1) -> timedelta:
    """A duration given in whole seconds (at least `minimum`), e.g. BADGEFORGE_RENDER_LEASE_SECONDS=30."""
    seconds = _int_env(env, name, int(default.total_seconds()))
    if seconds < minimum:
        raise ConfigError(f"{name} must be at least {minimum} (seconds), not {seconds}")
    return timedelta(seconds=seconds)


def _firebase_config(env: Mapping[str, str]) -> dict[str, Any]:
    raw = env.get("FIREBASE_CONFIG", "").strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        return json.loads(raw)
    return json.loads(Path(raw).read_text())  # firebase-tools may pass a file path


def templates_dir() -> Path:
    """templates/ beside the package when deployed (bundled into functions/), else the repository's."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here.parent.parent / "templates"):
        if (candidate / "email").is_dir():
            return candidate
    return here.parent.parent / "templates"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment (see `from_env` for the variable names)."""

    mode: Mode = "local"
    auth: AuthMode = "local"  # BADGEFORGE_AUTH=firebase under `badgeforge serve`: local data, Firebase Auth (emulator)
    home: Path = Path(".badgeforge")
    bucket: str = LOCAL_BUCKET
    project_id: str = "badgeforge-local"
    database_url: str = "https://badgeforge-local-default-rtdb.firebaseio.com"
    database_location: str = "us-central1"
    default_allowed_usage: int = 10
    link_mode: LinkMode = "signed"
    link_ttl: timedelta = timedelta(days=7)
    page_link_ttl: timedelta = timedelta(days=90)
    public_base_url: str = "http://127.0.0.1:8080"
    link_secret: str = field(default="", repr=False)
    mail_from: str = "badges@badgeforge.local"
    mail_from_name: str = "BadgeForge"
    smtp_url: str = field(default="", repr=False)
    sendgrid_api_key: str = field(default="", repr=False)
    sendgrid_host: str = ""  # empty: SendGrid's API; tests point it at a local recorder
    csv_max_bytes: int = limits.CSV_MAX_BYTES
    csv_max_rows: int = limits.CSV_MAX_ROWS
    image_max_bytes: int = limits.IMAGE_MAX_BYTES
    draft_max_bytes: int = 0  # one user's draft uploads together (CSV, images, photo ZIP); 0 = one full form + a CSV
    max_attempts: int = 5
    jobs_per_minute: int = 10  # per user, web and SDK uploads alike (services/rate_limits.py)
    render_lease: timedelta = timedelta(minutes=10)
    mail_lease: timedelta = timedelta(minutes=2)
    sweep_interval: timedelta = timedelta(seconds=60)  # `badgeforge serve` sweeps this often (the cloud: scheduler)
    database_max_bytes: int = 0  # local SQLite tree: 0 = no cap; over it, writes fail with "database ... is full"
    scratch_dir: Path | None = None  # where renders keep their temporary files (see render_scratch_root)
    signer_service_account: str = ""
    signup: SignUp = "open"  # invite: no sign-up form; accounts come from an administrator (`badgeforge users add`)
    access_contact: str = ""  # who to ask for access or more generations; the sign-in page shows it
    verify_ttl: timedelta = timedelta(days=2)  # how long an email verification link works
    reset_ttl: timedelta = timedelta(hours=1)  # how long a password reset link works
    # Fan-out (services/fanout.py): jobs of at least fanout_min_rows selected badges, or refused by csv_max_rows /
    # csv_max_bytes, render as page-aligned chunks on the task queue, up to fanout_max_rows / fanout_max_bytes.
    fanout_min_rows: int = limits.CSV_MAX_ROWS + 1  # default: only jobs the single function refuses fan out
    fanout_max_rows: int = 200_000
    fanout_max_bytes: int = 50_000_000
    fanout_chunk_badges: int = 25_000  # 100,000 badges: 4 chunks, 2 per core here
    fanout_chunk_workers: int = 0  # processes per chunk render; 0: the instance's CPUs (the local queue sets its share)
    spool_max_bytes: int = 512_000_000  # one render's scratch (Cloud Functions: in-memory /tmp); 0 = no cap

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """BADGEFORGE_* variables; FIREBASE_CONFIG for bucket/project/database; K_SERVICE means Cloud Functions."""
        env = os.environ if env is None else env
        default_mode = "firebase" if env.get("K_SERVICE") else "local"
        mode = env.get("BADGEFORGE_MODE", default_mode).strip().lower() or default_mode
        if mode not in ("local", "firebase"):
            raise ConfigError(f"BADGEFORGE_MODE must be 'local' or 'firebase', not {mode!r}")
        link_mode = env.get("BADGEFORGE_LINK_MODE", "signed").strip().lower() or "signed"
        if link_mode not in ("signed", "page"):
            raise ConfigError(f"BADGEFORGE_LINK_MODE must be 'signed' or 'page', not {link_mode!r}")
        ttl = timedelta(hours=_int_env(env, "BADGEFORGE_LINK_TTL_HOURS", 7 * 24))
        if link_mode == "signed" and ttl > MAX_SIGNED_TTL:
            raise ConfigError("BADGEFORGE_LINK_TTL_HOURS may be at most 168 for signed links (a V4 URL limit)")
        signup = env.get("BADGEFORGE_SIGNUP", "open").strip().lower() or "open"
        if signup not in ("open", "invite"):
            raise ConfigError(f"BADGEFORGE_SIGNUP must be 'open' or 'invite', not {signup!r}")
        auth = env.get("BADGEFORGE_AUTH", "").strip().lower() or ("firebase" if mode == "firebase" else "local")
        if auth not in ("local", "firebase"):
            raise ConfigError(f"BADGEFORGE_AUTH must be 'local' or 'firebase', not {auth!r}")
        if mode == "firebase" and auth != "firebase":
            raise ConfigError("BADGEFORGE_MODE=firebase signs people in with Firebase Auth: unset BADGEFORGE_AUTH")
        fb = _firebase_config(env)
        project = fb.get("projectId") or env.get("GCLOUD_PROJECT") or cls.project_id
        home = Path(env.get("BADGEFORGE_HOME", ".badgeforge")).expanduser()
        return cls(
            mode=mode,  # type: ignore[arg-type]
            auth=auth,  # type: ignore[arg-type]
            home=home.resolve(),
            bucket=env.get("BADGEFORGE_BUCKET") or fb.get("storageBucket") or LOCAL_BUCKET,
            project_id=project,
            database_url=fb.get("databaseURL") or f"https://{project}-default-rtdb.firebaseio.com",
            database_location=env.get("BADGEFORGE_DATABASE_LOCATION", cls.database_location),
            default_allowed_usage=_int_env(env, "BADGEFORGE_DEFAULT_USAGE", 10),
            link_mode=link_mode,  # type: ignore[arg-type]
            link_ttl=ttl,
            page_link_ttl=timedelta(days=_int_env(env, "BADGEFORGE_PAGE_LINK_TTL_DAYS", 90)),
            public_base_url=env.get("BADGEFORGE_PUBLIC_URL", cls.public_base_url).rstrip("/"),
            link_secret=env.get("BADGEFORGE_LINK_SECRET", ""),
            mail_from=env.get("BADGEFORGE_MAIL_FROM", cls.mail_from),
            mail_from_name=env.get("BADGEFORGE_MAIL_FROM_NAME", cls.mail_from_name),
            smtp_url=env.get("BADGEFORGE_SMTP_URL", ""),
            sendgrid_api_key=env.get("SENDGRID_API_KEY", ""),
            sendgrid_host=env.get("BADGEFORGE_SENDGRID_HOST", ""),
            csv_max_bytes=_int_env(env, "BADGEFORGE_CSV_MAX_BYTES", cls.csv_max_bytes),
            csv_max_rows=_int_env(env, "BADGEFORGE_CSV_MAX_ROWS", cls.csv_max_rows),
            image_max_bytes=_int_env(env, "BADGEFORGE_IMAGE_MAX_BYTES", cls.image_max_bytes),
            draft_max_bytes=_int_env(env, "BADGEFORGE_DRAFT_MAX_BYTES", 0),
            max_attempts=_int_env(env, "BADGEFORGE_MAX_ATTEMPTS", cls.max_attempts),
            render_lease=_seconds_env(env, "BADGEFORGE_RENDER_LEASE_SECONDS", cls.render_lease),
            sweep_interval=_seconds_env(env, "BADGEFORGE_SWEEP_INTERVAL_SECONDS", cls.sweep_interval, minimum=0),
            database_max_bytes=_int_env(env, "BADGEFORGE_DATABASE_MAX_BYTES", 0),
            scratch_dir=Path(env["BADGEFORGE_SCRATCH_DIR"]).expanduser() if env.get("BADGEFORGE_SCRATCH_DIR") else None,
            jobs_per_minute=_int_env(env, "BADGEFORGE_JOBS_PER_MINUTE", cls.jobs_per_minute),
            signer_service_account=env.get("BADGEFORGE_SIGNER_SERVICE_ACCOUNT", ""),
            signup=signup,  # type: ignore[arg-type]
            access_contact=env.get("BADGEFORGE_ACCESS_CONTACT", "").strip()[:200],
            verify_ttl=_seconds_env(env, "BADGEFORGE_VERIFY_TTL_SECONDS", cls.verify_ttl),
            reset_ttl=_seconds_env(env, "BADGEFORGE_RESET_TTL_SECONDS", cls.reset_ttl),
            fanout_min_rows=_int_env(env, "BADGEFORGE_FANOUT_MIN_ROWS", cls.fanout_min_rows),
            fanout_max_rows=_int_env(env, "BADGEFORGE_FANOUT_MAX_ROWS", cls.fanout_max_rows),
            fanout_max_bytes=_int_env(env, "BADGEFORGE_FANOUT_MAX_BYTES", cls.fanout_max_bytes),
            fanout_chunk_badges=_int_env(env, "BADGEFORGE_FANOUT_CHUNK_BADGES", cls.fanout_chunk_badges),
            fanout_chunk_workers=_int_env(env, "BADGEFORGE_FANOUT_CHUNK_WORKERS", 0),
            spool_max_bytes=_int_env(env, "BADGEFORGE_SPOOL_MAX_BYTES", cls.spool_max_bytes),
        )

    def render_scratch_root(self) -> Path:
        """Renders' temporary folders: BADGEFORGE_SCRATCH_DIR, else inside BADGEFORGE_HOME locally (so the sweep
        finds what a killed render left), else the instance's temp folder (Cloud Functions: its in-memory /tmp)."""
        if self.scratch_dir is not None:
            return self.scratch_dir
        if self.mode == "local":
            return self.home / "scratch"
        import tempfile

        return Path(tempfile.gettempdir()) / "badgeforge-scratch"

    def with_secrets(self, **values: str) -> Settings:
        """A copy with secrets filled in (read from SecretParam.value inside a handler, never at import)."""
        filled: dict[str, Any] = {k: v for k, v in values.items() if v}  # str fields; replace() checks the names
        return replace(self, **filled)

    def effective_link_secret(self) -> str:
        """The HMAC key for page links: BADGEFORGE_LINK_SECRET, or locally a random key kept in BADGEFORGE_HOME."""
        if self.link_secret:
            return self.link_secret
        if self.mode != "local":
            raise ConfigError("set BADGEFORGE_LINK_SECRET (a long random string) to sign download-page links")
        secret = read_or_create_secret(self.home / "link_secret", lambda: secrets.token_urlsafe(32).encode())
        return secret.decode().strip()


@dataclass(frozen=True)
class Services:
    """The adapters behind every port, plus the settings; what every service function takes."""

    settings: Settings
    blobs: BlobStore
    links: LinkSigner
    db: TreeDatabase
    mailer: Mailer
    users: UserDirectory
    clock: Clock
    tasks: TaskQueue | None = None  # the chunk queue; None: no fan-out, every job takes the single-function path


def build_services(settings: Settings) -> Services:
    """Pick the adapters for `settings.mode` (firebase adapters are imported only in firebase mode)."""
    if settings.mode == "local":
        from badgeforge.adapters.local import build as build_local

        parts = build_local(settings)
        if settings.auth == "firebase":  # accounts in Firebase Auth (its emulator locally), the rest on this machine
            from badgeforge.adapters.firebase.auth_users import directory_for

            parts["users"] = directory_for(settings)
    else:
        try:
            from badgeforge.adapters.firebase import build as build_firebase
        except ImportError as err:  # the firebase adapters ship in their own package
            raise ConfigError(f"firebase adapters are not available: {err}") from err
        parts = build_firebase(settings)
    return Services(settings=settings, **parts)


_lock = threading.Lock()
_cached: Services | None = None


def get_services(secrets_source: Callable[[], Mapping[str, str]] | None = None) -> Services:
    """The process-wide Services, built on first use (secrets are read then, inside a handler)."""
    global _cached
    with _lock:
        if _cached is None:
            settings = Settings.from_env()
            if secrets_source is not None:
                settings = settings.with_secrets(**secrets_source())
            _cached = build_services(settings)
        return _cached


def use_services(services: Services | None) -> None:
    """Install (or clear with None) the process-wide Services: the local runtime and tests choose theirs."""
    global _cached
    with _lock:
        _cached = services
