"""What the server writes reads in the page's language: web/js/api.js sends the page's language as Accept-Language,
and errors, warnings, the gallery and the presets answer in it (German here), with the catalogue's key and params
beside the text; English stays as it was, and a language without a catalogue gets English."""

from __future__ import annotations

import re

from badgeforge.services import messages

from .conftest import make_env, upload_form

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def _german(env, email="organizer@example.com"):
    return {**env.headers(email), **GERMAN}


def _no_english(text: str) -> None:
    """No sentence of the English catalogue is left in `text` (words like "CSV" or a column name may stay)."""
    english = messages.catalogue("en")
    german = messages.catalogue("de")
    for key, entry in english.items():
        for form in [entry] if isinstance(entry, str) else entry.values():
            literal = max(re.split(r"\{[^}]*\}", form), key=len).strip(" .:;,'(")
            same = german[key] if isinstance(german[key], str) else " ".join(german[key].values())
            if len(literal) >= 12 and literal not in same:
                assert literal not in text, (key, text)


def test_wrong_password_in_german(env):
    response = env.client.post(
        "/api/auth/signin", json={"email": "organizer@example.com", "password": "wrong password"}, headers=GERMAN
    )
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "bad_credentials"  # the code stays: API clients switch on it
    assert error["message"] == "E-Mail-Adresse oder Passwort ist falsch."
    assert error["key"] == "auth.bad_credentials" and error["params"] == {}
    assert response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]


def test_english_and_unknown_languages_read_as_before(env):
    for language in ("en-GB", "fr-FR", None):
        headers = {"Accept-Language": language} if language else {}
        response = env.client.post(
            "/api/auth/signin", json={"email": "organizer@example.com", "password": "nope"}, headers=headers
        )
        assert response.get_json()["error"]["message"] == "Wrong email or password.", language


def test_a_bad_csv_points_at_row_and_column_in_german(env):
    response = env.client.post("/api/jobs", headers=_german(env), data=upload_form(b"city,country\nParis,FR\n"))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["row"] == 1 and error["key"] == "csv.no_name_column" and error["columns"] == ["city", "country"]
    assert error["message"] == "Es wurde keine Spalte mit Namen gefunden; die Spalten sind: 'city', 'country'"
    assert error["hint"] == (
        "Wählen Sie unter „Vollständiger Name“ (oder „Vorname“ und „Nachname“) die Spalte mit den Namen."
    )
    _no_english(error["message"] + error["hint"])


def test_a_file_error_keeps_its_where_in_german(tmp_path):
    """A CSV past the row limit: the renderer's error names the file; the where and the hint read in German."""
    env = make_env(tmp_path, csv_max_rows=2)
    csv = b"name\nAda\nGrace\nEdsger\n"
    response = env.client.post("/api/jobs", headers=_german(env), data=upload_form(csv))
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["key"] == "csv.too_many_rows", error
    assert error["message"] == (
        "attendees.csv, Zeile 4: Die Datei hat mehr als 2 Teilnehmerzeilen. "
        "Teilen Sie sie in Dateien mit jeweils höchstens 2 Personen auf."
    ), error
    assert error["hint"] == "Teilen Sie sie in Dateien mit jeweils höchstens 2 Personen auf."


def test_rate_limit_in_german_with_german_numbers(env):
    headers = _german(env)
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 50})
    for _ in range(3):
        assert env.client.post("/api/jobs", headers=headers, data=upload_form()).status_code == 202
    response = env.client.post("/api/jobs", headers=headers, data=upload_form())
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["key"] == "limits.rate"
    assert re.fullmatch(
        r"Sie starten zu schnell neue Aufträge: höchstens 3 in (einer Minute|einer Stunde|\d+ Minuten|\d+ Stunden)\. "
        r"Versuchen Sie es in (1 Sekunde|[\d.]+ Sekunden) erneut\.",
        error["message"],
    ), error["message"]
    assert error["params"]["events"] == "3"


def test_quota_refusal_in_german(env):
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 0})
    response = env.client.post("/api/jobs", headers=_german(env), data=upload_form())
    assert response.status_code == 402
    error = response.get_json()["error"]
    assert error["code"] == "no_usage_left"
    assert error["message"] == "Sie haben keine Erstellungen mehr übrig; bitten Sie die Administration um weitere."


def test_a_missing_field_in_german(env):
    response = env.client.post("/api/auth/signin", json={"email": "organizer@example.com"}, headers=GERMAN)
    error = response.get_json()["error"]
    assert error["field"] == "password" and error["message"] == "Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein."


def test_the_gallery_choices_and_presets_in_german(env):
    headers = _german(env)
    designs = {d["name"]: d for d in env.client.get("/api/designs", headers=headers).get_json()["designs"]}
    assert designs["classic"]["title"] == "Klassisch"
    assert designs["pass"]["description"].startswith("Pass im Hochformat mit eigener Rückseite")
    presets = {p["name"]: p for p in env.client.get("/api/presets", headers=headers).get_json()["presets"]}
    assert presets["herma-4412"]["title"] == "HERMA 4412 Namensschild-Etiketten, 80 x 50 mm, 10 pro A4-Bogen"
    schema = env.client.get("/api/options", headers=headers).get_json()
    choices = {o["name"]: o.get("choices", []) for group in schema["groups"].values() for o in group}
    assert [c["title"] for c in choices["sides"]] == ["Nur Vorderseite", "Beidseitig (Duplex)", "Zum Falten"]
    assert {c["value"]: c["title"] for c in choices["design"]}["modern"] == "Modern"
    assert {c["value"]: c["description"] for c in choices["design"]}["minimal"].startswith("Typografisch und ruhig")
    for text in [d["description"] for d in designs.values()] + [p["title"] for p in presets.values()]:
        _no_english(text)
    english = env.client.get("/api/designs", headers=env.headers("organizer@example.com")).get_json()["designs"]
    assert {d["name"]: d["title"] for d in english}["classic"] == "Classic"


def test_a_finished_jobs_warnings_and_a_failed_jobs_reason_read_in_german(env):
    """Stored warnings with key + params (new jobs) and without (older jobs: recognised by their English text)."""
    uid = env.organizer.uid
    stored = messages.annotate(
        {"row": 3, "column": "organization", "message": "'Analytical Eng…' was shortened to fit the badge"}
    )
    old = {"row": 4, "column": "name", "message": "No bundled font can print '☃'; it shows as a blank box"}
    ticket = {
        "row": 5,
        "column": "ticket_id",
        "message": "Ticket code 'T-1' is already on row 2: one attendee per ticket, so only that row can use it at the "
        "desk. Give this attendee their own code.",
    }
    env.services.db.set(
        f"jobs/{uid}/j1",
        {
            "status": "failed",
            "warnings": [stored, old, ticket],
            "warnings_total": 3,
            "created_at": "2026-12-01T10:00:00Z",
            "error": {
                "code": "rate_limited",
                "message": "You are starting jobs too quickly: at most 5 in 10 minutes. Try again in 1,200 seconds.",
                "hint": "Wait a minute, then upload the file again.",
            },
        },
    )
    headers = _german(env)
    job = env.client.get("/api/jobs/j1", headers=headers).get_json()
    assert [w["message"] for w in job["warnings"]] == [
        "„Analytical Eng…“ wurde gekürzt, damit es auf das Namensschild passt.",
        "Keine mitgelieferte Schrift kann '☃' drucken; es erscheint als leeres Kästchen.",
        "Der Ticketcode „T-1“ steht schon in Zeile 2: ein Ticket gehört zu einer Person, daher kann am Empfang nur "
        "jene Zeile ihn nutzen. Geben Sie dieser Person einen eigenen Code.",
    ]
    assert job["error"]["message"] == (
        "Sie starten zu schnell neue Aufträge: höchstens 5 in 10 Minuten. Versuchen Sie es in 1.200 Sekunden erneut."
    )
    assert job["error"]["hint"] == "Warten Sie eine Minute und laden Sie die Datei dann erneut hoch."
    page = env.client.get("/api/jobs/j1/warnings?limit=2", headers=headers).get_json()
    assert page["total"] == 3 and page["warnings"][1]["key"] == "warn.missing_glyphs"
    csv = env.client.get("/api/jobs/j1/warnings.csv", headers=headers).get_data(as_text=True)
    assert "wurde gekürzt, damit es auf das Namensschild passt" in csv and "shortened" not in csv
    english = env.client.get("/api/jobs/j1", headers=env.headers("organizer@example.com")).get_json()
    assert english["warnings"][0]["message"] == "'Analytical Eng…' was shortened to fit the badge"


def test_admin_failures_and_redrive_summaries_in_german(env):
    uid = env.organizer.uid
    env.services.db.set(f"jobs/{uid}/j1", {"status": "failed", "error": {"code": "no_name_column", "message": "x"}})
    from badgeforge.services import failures

    failures.record(env.services, uid, "job", "j1")
    body = env.client.get("/api/admin/failed", headers=_german(env, "admin@example.com")).get_json()
    (job,) = body["jobs"]
    assert job["redrive"]["summary"] == (
        "Korrigieren Sie die Datei und laden Sie sie erneut hoch: ein neuer Anstoß würde genauso scheitern."
    )


def test_the_studios_document_problems_in_german(env):
    from badge_renderer.design_document import export_design

    document = export_design("classic")
    document["elements"][0]["rotation"] = "sideways"
    refused = env.client.post(
        "/api/saved-designs", json={"title": "Tagung 2026", "document": document}, headers=_german(env)
    )
    error = refused.get_json()["error"]
    assert refused.status_code == 400 and error["code"] == "bad_design"
    rotation = [p for p in error["problems"] if "rotation" in p]
    assert rotation and "ist nicht erlaubt" in rotation[0], rotation
    assert (
        error["message"].startswith("Das Design-Dokument hat 1 Problem: ") and "ist nicht erlaubt" in error["message"]
    )
