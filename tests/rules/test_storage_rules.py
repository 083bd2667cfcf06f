"""storage.rules checked STRUCTURALLY: the required match blocks exist and carry the required conditions.

Limitation, honestly: the Cloud Storage rules emulator (firebase-tools) needs Java 21 and downloads its jar, neither
of which is available here, so these rules are never EVALUATED in this suite. This test reads the rules text, finds
each `match` block by brace matching and asserts what must (and must not) appear in it. It catches a deleted or
loosened block, not a subtle logic mistake; docs/deploy.md says how to run the emulator where Java is available.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "storage.rules"


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def _blocks(text: str) -> dict[str, str]:
    """Map each `match <path>` to the body between its braces (nested blocks included)."""
    blocks: dict[str, str] = {}
    for found in re.finditer(r"match\s+(\S+)\s*\{", text):
        depth, start = 1, found.end()
        pos = start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[pos], 0)
            pos += 1
        blocks[found.group(1)] = text[start : pos - 1]
    return blocks


def _functions(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"function\s+(\w+)\([^)]*\)\s*\{(.*?)\}", text, re.S)}


@pytest.fixture(scope="module")
def text() -> str:
    return _strip_comments(RULES.read_text())


@pytest.fixture(scope="module")
def blocks(text: str) -> dict[str, str]:
    return _blocks(text)


def _allow(body: str, verb: str) -> str:
    """The condition of the direct `allow <verbs>: if ...;` statement that names `verb` in this body."""
    inner = re.sub(r"match\s+\S+\s*\{.*", "", body, flags=re.S)  # only this block's own statements
    for verbs, condition in re.findall(r"allow\s+([\w\s,]+):\s*if\s+(.*?);", inner, re.S):
        if verb in [v.strip() for v in verbs.split(",")]:
            return " ".join(condition.split())
    raise AssertionError(f"no `allow {verb}` in block")


def test_version_2_and_firebase_storage_service(text: str) -> None:
    assert re.search(r"rules_version\s*=\s*'2'\s*;", text)
    assert "service firebase.storage" in text


def test_expected_match_blocks(blocks: dict[str, str]) -> None:
    assert set(blocks) == {
        "/b/{bucket}/o",
        "/uploads/{uid}/{jobId}/{file}",
        "/badges/{uid}/{allPaths=**}",
        "/designs/{uid}/{allPaths=**}",
        "/{allPaths=**}",
    }


def test_design_assets_owner_reads_only_the_api_writes(blocks: dict[str, str]) -> None:
    body = blocks["/designs/{uid}/{allPaths=**}"]
    assert _allow(body, "read") == "isOwner(uid)"
    assert _allow(body, "write") == "false"


def test_uploads_owner_only_verified_create_once(text: str, blocks: dict[str, str]) -> None:
    body = blocks["/uploads/{uid}/{jobId}/{file}"]
    create = _allow(body, "create")
    for needed in ("isOwner(uid)", "emailVerified()", "safeName(file)", "allowedFile(file)"):
        assert needed in create
    assert _allow(body, "update") == "false"  # no overwrite: a job's CSV, options and images never change under it
    assert _allow(body, "delete") == "false"
    assert _allow(body, "read") == "isOwner(uid)"
    assert not re.search(r"allow\s+[\w\s,]*\bwrite\b", re.sub(r"match\s+\S+\s*\{.*", "", body, flags=re.S))

    functions = _functions(text)
    assert "request.auth.uid == uid" in functions["isOwner"]
    assert "request.auth != null" in functions["signedIn"]
    assert "request.auth.token.email_verified == true" in functions["emailVerified"]
    assert "request.resource.size > 0" in functions["sizeAtMost"]
    allowed = " ".join(functions["allowedFile"].split())
    assert "isCsv() && sizeAtMost(csvLimit())" in allowed
    assert "isImage() && sizeAtMost(imageLimit())" in allowed
    assert "file == 'job.json' && isJobOptions() && sizeAtMost(optionsLimit())" in allowed
    for content_type in ("text/csv", "text/plain", "application/vnd[.]ms-excel"):
        assert content_type in functions["isCsv"]
    assert "image/(png|jpeg|webp)" in functions["isImage"]
    assert "application/json" in functions["isJobOptions"]


def _limit(text: str, name: str) -> int:
    return int(re.search(r"return\s+(\d+)\s*;", _functions(text)[name]).group(1))


def test_size_limits_are_the_render_jobs_own(text: str) -> None:
    """A direct upload the rules accept must not be one the render job then refuses as too large (or vice versa)."""
    from badgeforge.config import Settings
    from badgeforge.services.render_job import OPTIONS_MAX_BYTES

    settings = Settings()
    assert _limit(text, "csvLimit") == settings.csv_max_bytes
    assert _limit(text, "imageLimit") == settings.image_max_bytes
    assert _limit(text, "optionsLimit") == OPTIONS_MAX_BYTES


def test_content_type_patterns_accept_and_refuse_the_right_types(text: str) -> None:
    """Storage rules `matches` is a full match (RE2); Python's re.fullmatch agrees for these simple patterns."""
    functions = _functions(text)
    patterns = [
        re.search(r"matches\('([^']+)'\)", functions[name]).group(1) for name in ("isCsv", "isImage", "isJobOptions")
    ]

    def allowed(content_type: str) -> bool:
        return any(re.fullmatch(p, content_type) for p in patterns)

    for ok in ("text/csv", "text/csv; charset=utf-8", "text/plain", "application/vnd.ms-excel", "image/png",
               "image/jpeg", "image/webp", "application/json"):  # fmt: skip
        assert allowed(ok), ok
    for bad in ("text/html", "image/svg+xml", "application/pdf", "application/x-msdownload", "image/gif",
                "application/vndXms-excel", "text/csvx"):  # fmt: skip
        assert not allowed(bad), bad


def test_badges_are_never_read_directly(blocks: dict[str, str]) -> None:
    """Outputs reach people only through links minted after the charge: an owner reading badges/ directly would
    download uncharged badges (a job refused at mail time keeps its PDF for a re-drive)."""
    body = blocks["/badges/{uid}/{allPaths=**}"]
    assert _allow(body, "read") == "false"
    assert _allow(body, "write") == "false"


def test_everything_else_denied(blocks: dict[str, str]) -> None:
    body = blocks["/{allPaths=**}"]
    assert _allow(body, "read") == "false"
    assert _allow(body, "write") == "false"


def test_no_rule_is_open(text: str) -> None:
    assert not re.search(r"if\s+true\b", text)
    assert "request.auth == null" not in text
