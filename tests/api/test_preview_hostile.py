"""The live preview accepts every file the job accepts: its table rows come from the reader's own table."""

from __future__ import annotations

from .conftest import upload_form


def _preview(env, csv: bytes):
    headers = env.headers("organizer@example.com")
    return env.client.post("/api/preview", headers=headers, data=upload_form(csv))


def test_a_bare_cr_inside_a_field_previews_as_the_reader_reads_it(env):
    response = _preview(env, b'Name,Company\n"Ada\rLovelace",Engines\nGrace,Navy\n')
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["rows"] == [["Ada\nLovelace", "Engines"], ["Grace", "Navy"]]
    assert body["count"] == 2


def test_a_field_over_the_csv_modules_limit_previews(env):
    response = _preview(env, b'Name,Bio\nAda,"' + b"x" * 140_000 + b'"\nGrace,y\n')
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [row[0] for row in body["rows"]] == ["Ada", "Grace"]
    assert len(body["rows"][0][1]) == 200  # cells are cut for display
    assert any(w["column"] == "Bio" for w in body["warnings"])  # the reader cut it to its own limit


def test_rows_match_the_attendees_for_a_headerless_file(env):
    body = _preview(env, b"Ada Lovelace\nGrace Hopper\n").get_json()
    assert body["rows"] == [["Ada Lovelace"], ["Grace Hopper"]]


def test_unprintable_characters_are_reported_not_a_500(env):
    response = _preview(env, "Name,Company\nA\ufffeda,Eng\ufdd0\n".encode())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["first"]["name"] == "Ada"
    assert {w["column"] for w in body["warnings"]} == {"Name", "Company"}


def test_a_user_gets_at_most_two_previews_drawing_at_once(env, monkeypatch):
    """Previews decode images and draw: the third at once is refused (429) without work; other users go on."""
    import threading

    import badge_renderer.render as render

    release, entered = threading.Event(), threading.Semaphore(0)
    real = render.render_preview

    def slow(*args, **kwargs):
        entered.release()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_preview", slow)
    organizer = env.headers("organizer@example.com")
    other = env.headers("admin@example.com")
    results: list[int] = []

    def post(headers):
        client = env.app.test_client()
        results.append(client.post("/api/preview", headers=headers, data=upload_form()).status_code)

    threads = [threading.Thread(target=post, args=(organizer,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert entered.acquire(timeout=10) and entered.acquire(timeout=10)  # both are drawing now
    busy = env.app.test_client().post("/api/preview", headers=organizer, data=upload_form())
    assert busy.status_code == 429 and busy.get_json()["error"]["code"] == "preview_busy"
    threads.append(threading.Thread(target=post, args=(other,)))
    threads[-1].start()
    assert entered.acquire(timeout=10)  # another user's preview is not held up
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == [200, 200, 200]
    again = env.app.test_client().post("/api/preview", headers=organizer, data=upload_form())
    assert again.status_code == 200  # the slots were given back
