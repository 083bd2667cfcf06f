"""GET /api/calibration.pdf: the calibration page for the form's paper, label sheet and offsets, signed in only,
with bad values answered as the field's error (never a 500 or a CLI flag)."""

from __future__ import annotations

import io

from pypdf import PdfReader

MM = 72 / 25.4


def test_the_form_downloads_the_calibration_page_for_its_paper_and_offsets(env):
    headers = env.headers("organizer@example.com")
    response = env.client.get("/api/calibration.pdf?paper=letter&offset_x_mm=1.5&offset_y_mm=-2", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    box = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (216, 279)
    herma = env.client.get("/api/calibration.pdf?preset=herma-4412", headers=headers)
    assert herma.status_code == 200
    me = env.client.get("/api/me", headers=headers).get_json()
    assert me["usage_left"] == 3, "it costs nothing"


def test_bad_values_are_the_fields_errors_and_strangers_are_refused(env):
    headers = env.headers("organizer@example.com")
    assert env.client.get("/api/calibration.pdf").status_code == 401
    for query, field in (
        ("offset_x_mm=abc", "offset_x_mm"),
        ("offset_y_mm=nan", "offset_y_mm"),
        ("offset_x_mm=99", "offset_x_mm"),
        ("paper=100x100mm", "paper"),
        ("paper=huge", "paper"),
    ):
        response = env.client.get(f"/api/calibration.pdf?{query}", headers=headers)
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert error["field"] == field, (query, error)
        assert "--" not in error["message"] + error.get("hint", "")
