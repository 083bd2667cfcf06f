"""Download-page tokens: signed, expiring, revocable; expired links say how to get a new one."""

from __future__ import annotations

import dataclasses
import time

import pytest

from badgeforge import config
from badgeforge.services import links


def test_token_round_trip_and_tampering():
    token = links.make_token("k", "u1", "j1", int(time.time()) + 60)
    assert links.read_token("k", token, time.time()) == ("u1", "j1")
    with pytest.raises(links.LinkInvalid):
        links.read_token("other-key", token, time.time())
    payload, signature = token.split(".")
    with pytest.raises(links.LinkInvalid):
        links.read_token("k", payload[:-2] + "xx." + signature, time.time())


def test_expired_token_tells_how_to_renew():
    token = links.make_token("k", "u1", "j1", int(time.time()) - 1)
    with pytest.raises(links.LinkExpired, match="new link"):
        links.read_token("k", token, time.time())


def test_page_mode_links_resolve_until_revoked(tmp_path):
    settings = config.Settings(home=tmp_path, link_mode="page", link_secret="s", public_base_url="https://bf.example")
    services = config.build_services(settings)
    services.db.set("jobs/u1/j1", {"status": "done", "output": "badges/u1/j1/badges.pdf", "download_name": "X.pdf"})
    url = links.badge_link(services, "u1", "j1", "badges/u1/j1/badges.pdf")
    assert url.startswith("https://bf.example/d/")
    target = links.resolve_download_token(services, url.rsplit("/", 1)[1])
    assert (target.path, target.download_name) == ("badges/u1/j1/badges.pdf", "X.pdf")
    assert links.fresh_download_url(services, target).startswith("https://bf.example/files/")
    links.revoke(services, "u1", "j1")
    with pytest.raises(links.LinkRevoked):
        links.resolve_download_token(services, url.rsplit("/", 1)[1])


def test_signed_mode_uses_the_link_signer(tmp_path):
    services = config.build_services(config.Settings(home=tmp_path, link_secret="s"))
    services = dataclasses.replace(services)
    url = links.badge_link(services, "u1", "j1", "badges/u1/j1/badges.pdf", "Conf badges.pdf")
    assert "/files/badges/u1/j1/badges.pdf?" in url and "sig=" in url


def test_download_name_is_file_safe():
    assert links.download_name('PyCon <2026>/"x"') == "PyCon 2026x badges.pdf"
    assert links.download_name("") == "badges.pdf"
