"""What a dead download link answers: a page for a browser that says what happened and how to get the badges,
JSON for an API client. One place for both link modes (/d/<token> and the local signed /files/ links).

Why server-rendered: the explanation must work without JavaScript (mail apps open links in bare web views); the
page's script only adds the "email me a fresh link" button for the signed-in owner.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from flask import Request, Response, jsonify

from badgeforge.config import templates_dir

from .web_wording import web_text

# state -> (title, what happened, what to do). The fix always names a way to the badges, never a dead end.
REASONS: dict[str, tuple[str, str, str]] = {
    "expired": (
        "This download link has expired",
        "Download links only work for a limited time, so that a forwarded email does not share the badges forever. "
        "This one's time is up.",
        "If these are your badges, sign in and get a fresh link: we email it to you. Otherwise ask the organizer "
        "who sent you the link for a new one.",
    ),
    "revoked": (
        "This download link was withdrawn",
        "The organizer withdrew this link (a newer link replaced it, or they stopped sharing these badges).",
        "If these are your badges, sign in and get a fresh link: we email it to you. Otherwise ask the organizer "
        "for a new one.",
    ),
    "invalid": (
        "This download link is not valid",
        "The link was changed or cut short: its signature does not match, so it opens nothing. This often happens "
        "when a mail app breaks a long link across lines.",
        "Open the link from the email again, copying all of it, or ask the organizer to send it again.",
    ),
    "deleted": (
        "These badges are no longer available",
        "The badge job behind this link was deleted, so its PDF is gone.",
        "Fix or reuse the attendee file and upload it again to make new badges, or ask the organizer for them.",
    ),
}
STATUS = {"expired": 410, "revoked": 410, "invalid": 410, "deleted": 404}


def wants_html(request: Request) -> bool:
    """Content negotiation: only a client that prefers text/html (a browser) gets the page; */* gets JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


@lru_cache(maxsize=2)
def _page_template(folder: str) -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template("dead_link.html.j2")


def render_page(state: str, job_id: str | None = None) -> str:
    """The dead-link page for `state` (expired|revoked|invalid|deleted); job_id only where the owner may renew."""
    state = state if state in REASONS else "invalid"
    title, explanation, fix = REASONS[state]
    template = _page_template(str(Path(templates_dir()) / "pages"))
    return template.render(state=state, job_id=job_id or "", title=title, explanation=explanation, fix=fix)


def dead_link_response(request: Request, state: str, message: str, job_id: str | None = None) -> Response:
    """The page (browser, 200) or {"error": {code, message, job_id?}} with 410/404 (anything else)."""
    state = state if state in REASONS else "invalid"
    status = STATUS[state]
    if wants_html(request):
        # 200: the page itself loaded fine and says plainly that the link is dead (browsers log any 4xx document
        # as a console error, and a mail app's web view may show its own error screen instead of ours)
        response = Response(render_page(state, job_id), status=200, mimetype="text/html")
    else:
        body = {"code": state, "message": web_text(message), **({"job_id": job_id} if job_id else {})}
        response = jsonify({"error": body})
        response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept"
    return response
