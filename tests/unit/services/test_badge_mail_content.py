"""The badge email: user values escaped in HTML, plain in text, one-line subject."""

from __future__ import annotations

from badgeforge.config import templates_dir
from badgeforge.services.mail_content import render_badge_mail


def test_user_values_are_escaped_in_html_only():
    context = {
        "display_name": "<b>Eve</b>",
        "event_name": "Conf <script>alert(1)</script>\nX",
        "badges": 1,
        "pages": 1,
        "link": "https://x.example/d/t?a=1&b=2",
        "file_name": "a.pdf",
        "expires": "1 Dec",
        "renew_hint": "Ask.",
        "warnings": [{"row": 3, "message": "<i>long</i>"}],
        "allowed_usage_after": 4,
    }
    subject, text, html = render_badge_mail(templates_dir(), context)
    assert "\n" not in subject and subject.startswith("Your badges for Conf <script>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Eve" in html and "&lt;i&gt;" in html
    assert 'href="https://x.example/d/t?a=1&amp;b=2"' in html
    assert "https://x.example/d/t?a=1&b=2" in text and "row 3: <i>long</i>" in text
    assert "1 badge " in text or "1 badge (" in text
