"""The RTDB REST test server itself, driven by firebase-admin's public db API (so the adapter tests stand on a
server that answers the way the client expects)."""

from __future__ import annotations

import pytest
import requests
from firebase_admin import db, exceptions

pytestmark = pytest.mark.integration


@pytest.fixture
def root(firebase_db_app) -> db.Reference:
    return db.reference("/", app=firebase_db_app)


def test_push_returns_ordered_unique_names(root, rtdb_server):
    names = [root.child("log").push({"n": i}).key for i in range(50)]
    assert names == sorted(names) and len(set(names)) == 50
    assert [root.child("log").child(k).get()["n"] for k in names] == list(range(50))


def test_etag_get_conditional_put_and_412_with_current_value(root):
    root.child("c").set(1)
    value, etag = root.child("c").get(etag=True)
    assert value == 1 and etag
    assert root.child("c").get_if_changed(etag) == (False, None, None)
    root.child("c").set(2)
    ok, current, new_etag = root.child("c").set_if_unchanged(etag, 3)
    assert (ok, current) == (False, 2) and new_etag != etag
    ok, current, _ = root.child("c").set_if_unchanged(new_etag, 3)
    assert (ok, current) == (True, 3)
    _, missing_etag = root.child("nothing").get(etag=True)
    assert root.child("nothing").set_if_unchanged(missing_etag, "x")[0]


def test_shallow_arrays_and_print_silent(root, rtdb_server):
    root.child("t").set({"a": {"deep": 1}, "b": 2, "list": ["x", "y"]})
    assert root.child("t").get(shallow=True) == {"a": True, "b": True, "list": True}
    assert root.child("t/list").get() == ["x", "y"]
    assert root.child("t/list/1").get() == "y"
    # firebase-admin writes with ?print=silent: the server answers 204 with no body.
    response = requests.put(
        f"http://{rtdb_server.emulator_host}/t/b.json?ns=demo-badgeforge&print=silent", json=5, timeout=5
    )
    assert response.status_code == 204 and response.content == b""
    assert root.child("t/b").get() == 5


def test_patch_checks_the_whole_update_before_writing(root, rtdb_server):
    root.child("u").set({"a": 1})
    url = f"http://{rtdb_server.emulator_host}/u.json?ns=demo-badgeforge"
    response = requests.patch(url, json={"a": 2, "b/c.d": 1}, timeout=5)
    assert response.status_code == 400 and "error" in response.json()
    assert root.child("u").get() == {"a": 1}


def test_namespaces_are_separate_trees(firebase_db_app, rtdb_server):
    db.reference("/x", app=firebase_db_app).set(1)
    assert rtdb_server.tree("other") is None
    assert rtdb_server.tree() == {"x": 1}


def test_bad_json_is_a_400(rtdb_server, root):
    url = f"http://{rtdb_server.emulator_host}/x.json?ns=demo-badgeforge"
    assert requests.put(url, data=b"{nope", timeout=5).status_code == 400
    with pytest.raises(exceptions.InvalidArgumentError):
        root.child("x").set({"": 1})
