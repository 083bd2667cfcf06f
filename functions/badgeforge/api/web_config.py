"""`/config.json`: the little the static pages must know before they can sign anyone in.

Hosting serves it as a file the web build writes (`{"auth": "firebase", "live": "rtdb"}`; the Firebase web config
then comes from Hosting's reserved `/__/firebase/init.json`); `badgeforge serve` answers it from its settings. The
Firebase web config is public by design (it names the project; the rules and ID tokens protect the data), so it
may sit in a page; nothing secret goes here.
"""

from __future__ import annotations

import os
from typing import Any

# What the Auth emulator takes as an API key: any string; a real project's key comes from its web app config.
EMULATOR_API_KEY = "emulator-api-key"


def firebase_auth(settings: Any) -> bool:
    return getattr(settings, "mode", "local") != "local" or getattr(settings, "auth", "local") == "firebase"


def auth_emulator_origin() -> str:
    """http://host:port of FIREBASE_AUTH_EMULATOR_HOST (the variable firebase-admin reads), or ""."""
    host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", "").strip()
    return f"http://{host}" if host and "/" not in host else ""


def page_config(settings: Any) -> dict[str, Any]:
    """{"auth": "local"|"firebase", "live": "sse"|"rtdb"} and, for Firebase, the web config and the emulator."""
    cloud = getattr(settings, "mode", "local") != "local"
    answer: dict[str, Any] = {
        "auth": "firebase" if firebase_auth(settings) else "local",
        "live": "rtdb" if cloud else "sse",  # the local tree has no SDK listeners: server-sent events instead
    }
    if answer["auth"] == "firebase":
        project = getattr(settings, "project_id", "")
        emulator = auth_emulator_origin()
        answer["firebase"] = {
            "apiKey": os.environ.get("BADGEFORGE_FIREBASE_API_KEY", "") or (EMULATOR_API_KEY if emulator else ""),
            "authDomain": os.environ.get("BADGEFORGE_FIREBASE_AUTH_DOMAIN", "") or f"{project}.firebaseapp.com",
            "projectId": project,
            "databaseURL": getattr(settings, "database_url", ""),
        }
        if emulator:
            answer["authEmulator"] = emulator
    return answer


def extra_sources(settings: Any) -> tuple[str, ...]:
    """Origins the pages' CSP must also allow: the Auth emulator (the SDK calls it and frames its popup helper)."""
    emulator = auth_emulator_origin() if firebase_auth(settings) else ""
    return (emulator,) if emulator else ()
