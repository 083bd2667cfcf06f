"""database.rules.json evaluated offline by targaryen (npm, tools/node_modules): who may read and write what.

The Cloud Functions use the Admin SDK, which bypasses these rules; the rules only decide what a signed-in browser
may do. So clients write nothing but their own display_name: even admins (custom claim `admin: true`) change
allowed_usage only through the adjust_usage function, which always writes the usage_log entry with it, and
everything the pipeline owns (jobs, badgeMails, holds, charged) is read-only for every client.
All cases run in ONE node process (tests/rules/rtdb_rules_runner.js).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "database.rules.json"
RUNNER = Path(__file__).with_name("rtdb_rules_runner.js")
TARGARYEN = ROOT / "tools" / "node_modules" / "targaryen"

ALICE = {"uid": "alice", "token": {"email": "alice@example.com"}}
BOB = {"uid": "bob"}
ADMIN = {"uid": "ops", "token": {"admin": True}}
FAKE_ADMIN = {"uid": "mallory", "token": {"admin": "true"}}  # a string claim is not the boolean admin claim
ANON = None

LOG_ENTRY = {"delta": 5, "reason": "pack", "by": "ops", "at": "2026-11-23T11:00:00Z", "before": 1, "after": 6}
PRINT_RECORD = {"printed": 1, "prints": {"p1": {"at": "2026-12-01T09:12:00Z", "device": "desk-2", "by": "alice"}}}
GREEDY = {"display_name": "A", "allowed_usage": 99}

DATA: dict[str, Any] = {
    "users": {
        "alice": {"email": "alice@example.com", "display_name": "Alice", "allowed_usage": 3, "holds": {"j1": 1}},
        "bob": {"email": "bob@example.com", "allowed_usage": 1},
    },
    "jobs": {"alice": {"j1": {"status": "rendering", "progress": 10}}, "bob": {"j9": {"status": "done"}}},
    "badgeMails": {"alice": {"k1": {"status": "pending", "badges": 4, "objectPath": "badges/alice/j1/badges.pdf"}}},
    "usage_log": {"alice": {"l1": LOG_ENTRY}},
}

# (id, auth, op, path, value, expected allowed)
CASES: list[tuple[str, Any, str, str, Any, bool]] = [
    # reading: owners see their own subtrees, admins see everything, nobody lists the root
    ("owner-reads-own-user", ALICE, "read", "/users/alice", None, True),
    ("owner-reads-own-usage", ALICE, "read", "/users/alice/allowed_usage", None, True),
    ("user-cannot-read-other-user", ALICE, "read", "/users/bob", None, False),
    ("user-cannot-list-users", ALICE, "read", "/users", None, False),
    ("admin-reads-other-user", ADMIN, "read", "/users/bob", None, True),
    ("admin-lists-users", ADMIN, "read", "/users", None, True),
    ("string-admin-claim-is-not-admin", FAKE_ADMIN, "read", "/users/bob", None, False),
    ("owner-reads-own-jobs", ALICE, "read", "/jobs/alice", None, True),
    ("user-cannot-read-other-jobs", ALICE, "read", "/jobs/bob", None, False),
    ("admin-reads-jobs", ADMIN, "read", "/jobs", None, True),
    # the sweep's and console's indexes: admins read them, no client writes them
    ("admin-reads-open-work", ADMIN, "read", "/open_work", None, True),
    ("user-cannot-read-open-work", ALICE, "read", "/open_work", None, False),
    ("admin-cannot-write-open-work", ADMIN, "write", "/open_work/alice:j1", {"due_at": "x"}, False),
    ("user-cannot-read-trash", ALICE, "read", "/trash", None, False),
    ("user-cannot-unpurge-via-trash", ALICE, "write", "/trash/alice:j1", {"purge_at": "2999"}, False),
    ("admin-reads-failures", ADMIN, "read", "/failures", None, True),
    ("user-cannot-read-failures", BOB, "read", "/failures", None, False),
    ("owner-reads-own-badgemails", ALICE, "read", "/badgeMails/alice", None, True),
    ("user-cannot-read-other-badgemails", BOB, "read", "/badgeMails/alice", None, False),
    ("owner-reads-own-usage-log", ALICE, "read", "/usage_log/alice", None, True),
    ("user-cannot-read-other-usage-log", BOB, "read", "/usage_log/alice", None, False),
    ("user-cannot-list-usage-log", ALICE, "read", "/usage_log", None, False),
    ("admin-reads-usage-log", ADMIN, "read", "/usage_log", None, True),
    # saved designs: the owner reads them; every write goes through the API (documents and SVG are checked there)
    ("owner-reads-own-designs", ALICE, "read", "/designs/alice", None, True),
    ("owner-reads-own-design-list", ALICE, "read", "/design_list/alice", None, True),
    ("user-cannot-read-other-designs", BOB, "read", "/designs/alice", None, False),
    ("user-cannot-read-other-design-list", BOB, "read", "/design_list/alice", None, False),
    ("user-cannot-list-all-designs", ALICE, "read", "/designs", None, False),
    ("anon-cannot-read-designs", ANON, "read", "/designs/alice", None, False),
    ("owner-cannot-write-design", ALICE, "write", "/designs/alice/d1", {"title": "x", "document": "{}"}, False),
    ("owner-cannot-write-design-list", ALICE, "write", "/design_list/alice/d1", {"version": 99}, False),
    ("anon-cannot-read-root", ANON, "read", "/", None, False),
    ("anon-cannot-read-user", ANON, "read", "/users/alice", None, False),
    ("anon-cannot-read-jobs", ANON, "read", "/jobs/alice", None, False),
    ("anon-cannot-read-badgemails", ANON, "read", "/badgeMails/alice", None, False),
    ("user-cannot-read-root", ALICE, "read", "/", None, False),
    # the one thing a client writes: its own display_name, a short non-empty string
    ("owner-sets-display-name", ALICE, "write", "/users/alice/display_name", "Alice A.", True),
    ("owner-clears-display-name", ALICE, "write", "/users/alice/display_name", None, True),
    ("display-name-too-long", ALICE, "write", "/users/alice/display_name", "x" * 101, False),
    ("display-name-100-chars", ALICE, "write", "/users/alice/display_name", "x" * 100, True),
    ("display-name-empty", ALICE, "write", "/users/alice/display_name", "", False),
    ("display-name-not-string", ALICE, "write", "/users/alice/display_name", 42, False),
    ("user-cannot-rename-other", ALICE, "write", "/users/bob/display_name", "Bobby", False),
    ("admin-cannot-rename-user", ADMIN, "write", "/users/bob/display_name", "Bobby", False),
    ("anon-cannot-set-display-name", ANON, "write", "/users/alice/display_name", "A", False),
    # the cascade trap: no write is granted above the leaves, so the owner cannot reach allowed_usage
    ("owner-cannot-set-allowed-usage", ALICE, "write", "/users/alice/allowed_usage", 100, False),
    ("owner-cannot-overwrite-own-node", ALICE, "write", "/users/alice", GREEDY, False),
    ("owner-cannot-patch-usage-with-name", ALICE, "update", "/users/alice", GREEDY, False),
    ("owner-cannot-delete-own-node", ALICE, "write", "/users/alice", None, False),
    ("owner-cannot-add-hold", ALICE, "write", "/users/alice/holds/j2", 1, False),
    ("owner-cannot-drop-hold", ALICE, "write", "/users/alice/holds/j1", None, False),
    ("owner-cannot-mark-charged", ALICE, "write", "/users/alice/charged/j1", True, False),
    ("owner-cannot-make-self-admin", ALICE, "write", "/users/alice/admin", True, False),
    ("owner-cannot-change-email", ALICE, "write", "/users/alice/email", "evil@example.com", False),
    ("owner-cannot-write-usage-log", ALICE, "write", "/usage_log/alice/x", {**LOG_ENTRY, "by": "alice"}, False),
    ("owner-cannot-write-badgemail", ALICE, "write", "/badgeMails/alice/k2", {"status": "pending"}, False),
    ("owner-cannot-resend-badgemail", ALICE, "write", "/badgeMails/alice/k1/status", "pending", False),
    ("owner-cannot-create-job", ALICE, "write", "/jobs/alice/j2", {"status": "done"}, False),
    ("owner-cannot-finish-job", ALICE, "write", "/jobs/alice/j1/status", "done", False),
    ("anon-cannot-write-root", ANON, "write", "/", {"users": {}}, False),
    ("anon-cannot-set-usage", ANON, "write", "/users/alice/allowed_usage", 100, False),
    # admins change usage only through the adjust_usage function (always logged); no client writes usage or its log
    ("admin-cannot-set-allowed-usage", ADMIN, "write", "/users/alice/allowed_usage", 7, False),
    ("admin-cannot-patch-allowed-usage", ADMIN, "update", "/users/bob", {"allowed_usage": 3}, False),
    ("fake-admin-cannot-set-usage", FAKE_ADMIN, "write", "/users/alice/allowed_usage", 7, False),
    ("admin-cannot-append-usage-log", ADMIN, "write", "/usage_log/alice/l2", LOG_ENTRY, False),
    ("admin-cannot-rewrite-usage-log", ADMIN, "write", "/usage_log/alice/l1", {**LOG_ENTRY, "delta": 500}, False),
    ("admin-cannot-delete-usage-log", ADMIN, "write", "/usage_log/alice/l1", None, False),
    ("admin-cannot-write-jobs", ADMIN, "write", "/jobs/alice/j1/status", "done", False),
    ("admin-cannot-write-badgemails", ADMIN, "write", "/badgeMails/alice/k1/status", "sent", False),
    ("admin-cannot-write-holds", ADMIN, "write", "/users/alice/holds/j1", None, False),
    ("admin-cannot-write-root", ADMIN, "write", "/", {}, False),
    # limits (job rate, fresh-link mails, sign-in throttle) belong to the functions: nobody reads or resets them
    ("owner-cannot-read-own-limits", ALICE, "read", "/limits/alice", None, False),
    ("owner-cannot-reset-job-rate", ALICE, "write", "/limits/alice/jobs", None, False),
    ("anon-cannot-reset-signin-throttle", ANON, "write", "/limits/signin", None, False),
    ("admin-cannot-reset-limits", ADMIN, "write", "/limits/alice", None, False),
    # the charge ledger: the owner and admins read it, only the functions write it
    ("owner-reads-own-charges", ALICE, "read", "/charges/alice", None, True),
    ("user-cannot-read-other-charges", BOB, "read", "/charges/alice", None, False),
    ("admin-reads-charges", ADMIN, "read", "/charges", None, True),
    ("owner-cannot-mark-own-job-charged", ALICE, "write", "/charges/alice/j1", "2026-12-01T00:00:00Z", False),
    ("owner-cannot-erase-charges", ALICE, "write", "/charges/alice", None, False),
    ("owner-cannot-lower-used", ALICE, "write", "/users/alice/used", 0, False),
    # a link in badgeMails is what downloads badges: nobody but the mail job (after the charge) may put one there
    ("owner-cannot-plant-badge-link", ALICE, "write", "/badgeMails/alice/k1/badgeLink", "https://x", False),
    # the desk: check-ins are the owner's own record; nobody else's. A desk or kiosk session is no Firebase sign-in
    # (an API bearer token, services/desk_sessions.py): it never reaches the database but through the API, which
    # checks the token on every request and writes with the Admin SDK
    ("owner-reads-own-checkins", ALICE, "read", "/checkins/alice/j1", None, True),
    ("owner-records-a-print", ALICE, "write", "/checkins/alice/j1/r2", PRINT_RECORD, True),
    ("other-user-cannot-read-checkins", BOB, "read", "/checkins/alice", None, False),
    ("other-user-cannot-write-checkins", BOB, "write", "/checkins/alice/j1/r2", PRINT_RECORD, False),
    ("admin-cannot-read-checkins", ADMIN, "read", "/checkins/alice", None, False),
    ("anon-cannot-read-checkins", ANON, "read", "/checkins/alice", None, False),
    ("user-cannot-list-checkins", ALICE, "read", "/checkins", None, False),
    ("checkin-printed-must-be-a-count", ALICE, "write", "/checkins/alice/j1/r2/printed", -1, False),
    ("checkin-unknown-field-refused", ALICE, "write", "/checkins/alice/j1/r2/paid", True, False),
    ("checkin-print-needs-time-and-device", ALICE, "write", "/checkins/alice/j1/r2/prints/p1", {"by": "x"}, False),
    # walk-ins, ticket claims and print queues: the owner reads them; only the functions write (one per ticket)
    ("owner-reads-own-walkins", ALICE, "read", "/walkins/alice/j1", None, True),
    ("owner-cannot-write-walkins", ALICE, "write", "/walkins/alice/j1/w1", {"full_name": "X"}, False),
    ("other-user-cannot-read-walkins", BOB, "read", "/walkins/alice", None, False),
    ("owner-cannot-claim-a-ticket-directly", ALICE, "write", "/desk_tickets/alice/j1/t1", "w1", False),
    ("owner-reads-own-print-queue", ALICE, "read", "/print_queue/alice/desk-2", None, True),
    ("owner-cannot-queue-prints-directly", ALICE, "write", "/print_queue/alice/desk-2/p1", {"status": "queued"}, False),
    ("other-user-cannot-read-print-queue", BOB, "read", "/print_queue/alice/desk-2", None, False),
    # desk sessions: the owner lists them; only the API creates, extends or revokes one (it keeps the token index)
    ("owner-reads-own-desk-sessions", ALICE, "read", "/desk_sessions/alice", None, True),
    ("owner-cannot-extend-a-desk-session", ALICE, "write", "/desk_sessions/alice/s1/expires_at", "2999", False),
    ("owner-cannot-make-a-desk-session", ALICE, "write", "/desk_sessions/alice/s2", {"mode": "desk"}, False),
    ("other-user-cannot-read-desk-sessions", BOB, "read", "/desk_sessions/alice", None, False),
    ("admin-cannot-read-desk-sessions", ADMIN, "read", "/desk_sessions/alice", None, False),
    ("nobody-reads-the-desk-token-index", ALICE, "read", "/desk_session_tokens", None, False),
    ("nobody-plants-a-desk-token", ALICE, "write", "/desk_session_tokens/abc", {"uid": "alice", "id": "s1"}, False),
    ("nobody-reads-what-a-kiosk-found", ALICE, "read", "/desk_sessions_seen/alice", None, False),
]

# Shapes of the function-owned nodes: the Admin SDK bypasses .validate, so these rules guard any client writer a
# future rule might admit. They are checked with ".write": "true" granted at the root (see the runner).
SHAPE_CASES: list[tuple[str, str, Any, bool]] = [
    ("job-status-known", "/jobs/alice/j1/status", "done", True),
    ("job-status-unknown", "/jobs/alice/j1/status", "exploded", False),
    ("job-progress-negative", "/jobs/alice/j1/progress", -5, False),
    ("job-badges-count", "/jobs/alice/j1/badges", 120, True),
    ("mail-status-known", "/badgeMails/alice/k1/status", "sent", True),
    ("mail-status-unknown", "/badgeMails/alice/k1/status", "delivered-maybe", False),
    ("mail-object-in-own-folder", "/badgeMails/alice/k1/objectPath", "badges/alice/j1/badges.pdf", True),
    ("mail-object-in-other-folder", "/badgeMails/alice/k1/objectPath", "badges/bob/j9/badges.pdf", False),
    ("mail-badges-string", "/badgeMails/alice/k1/badges", "4", False),
    ("user-unknown-field", "/users/alice/is_vip", True, False),
    ("user-admin-flag-not-bool", "/users/alice/admin", "yes", False),
    ("user-usage-negative-even-if-writable", "/users/alice/allowed_usage", -3, False),
    ("user-email-string", "/users/alice/email", "alice@example.org", True),
    ("user-used-count", "/users/alice/used", 12, True),
    ("user-used-negative", "/users/alice/used", -1, False),
    ("user-used-fraction", "/users/alice/used", 1.5, False),
    ("print-queue-status-known", "/print_queue/alice/desk-2/p1/status", "printed", True),
    ("print-queue-status-unknown", "/print_queue/alice/desk-2/p1/status", "lost", False),
    (
        "print-queue-file-outside-the-owners-desk",
        "/print_queue/alice/desk-2/p1/file",
        "badges/bob/j9/badges.pdf",
        False,
    ),
]


def _run_targaryen() -> dict[str, dict[str, Any]]:
    if shutil.which("node") is None or not TARGARYEN.is_dir():
        pytest.fail("targaryen is missing: run `cd tools && npm ci` (make test does this)")
    cases = [{"id": i, "auth": a, "op": op, "path": p, "value": v} for i, a, op, p, v, _ in CASES]
    cases += [
        {"id": i, "auth": ADMIN, "op": "write", "path": p, "value": v, "grant_root_write": True}
        for i, p, v, _ in SHAPE_CASES
    ]
    request = {"rules": str(RULES), "data": DATA, "cases": cases}
    proc = subprocess.run(
        ["node", str(RUNNER)], input=json.dumps(request), capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, Any]]:
    return _run_targaryen()


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES] + [c[0] for c in SHAPE_CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("case_id", "expected"), [(c[0], c[5]) for c in CASES])
def test_access(verdicts: dict[str, dict[str, Any]], case_id: str, expected: bool) -> None:
    verdict = verdicts[case_id]
    assert verdict["allowed"] is expected, verdict["info"]


@pytest.mark.parametrize(("case_id", "expected"), [(c[0], c[3]) for c in SHAPE_CASES])
def test_shape_validation(verdicts: dict[str, dict[str, Any]], case_id: str, expected: bool) -> None:
    verdict = verdicts[case_id]
    assert verdict["allowed"] is expected, verdict["info"]


def test_root_denies_by_default() -> None:
    rules = json.loads(RULES.read_text())["rules"]
    assert rules[".read"] is False
    assert rules[".write"] is False


def test_no_write_granted_above_the_leaves_of_a_user() -> None:
    """A .write on users or users/$uid would cascade onto allowed_usage, holds and charged underneath."""
    users = json.loads(RULES.read_text())["rules"]["users"]
    assert ".write" not in users
    assert ".write" not in users["$uid"]
    writable = sorted(k for k, v in users["$uid"].items() if isinstance(v, dict) and ".write" in v)
    assert writable == ["display_name"]
