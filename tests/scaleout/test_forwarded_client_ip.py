"""The client's address behind a proxy: X-Forwarded-For counts only from TRUSTED_PROXIES."""

from __future__ import annotations

import pytest

from finucity.web.client_ip import client_ip

CLIENT = "203.0.113.7"


def test_without_trusted_proxies_the_headers_are_ignored(settings_env):
    settings_env(TRUSTED_PROXIES="")
    assert client_ip("127.0.0.1", {"x-forwarded-for": CLIENT, "x-real-ip": CLIENT}) == "127.0.0.1"


def test_the_proxy_names_the_client(settings_env):
    settings_env(TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert client_ip("127.0.0.1", {"x-forwarded-for": CLIENT}) == CLIENT
    assert client_ip("127.0.0.1", {"x-real-ip": CLIENT}) == CLIENT
    # Through two of our proxies: the address before them.
    assert client_ip("10.1.2.3", {"x-forwarded-for": f"{CLIENT}, 10.9.9.9"}) == CLIENT


def test_a_client_cannot_choose_its_address(settings_env):
    settings_env(TRUSTED_PROXIES="127.0.0.1")
    # Sent straight to the worker, not through the proxy: its own claim is ignored.
    assert client_ip(CLIENT, {"x-forwarded-for": "198.51.100.1"}) == CLIENT
    # Through the proxy, an address it prepended itself is not taken: nginx appends the real one.
    assert client_ip("127.0.0.1", {"x-forwarded-for": f"198.51.100.1, {CLIENT}"}) == CLIENT


def test_a_typo_in_trusted_proxies_stops_the_start(settings_env):
    from finucity.config import get_settings

    settings_env(TRUSTED_PROXIES="127.0.0.1, not-an-address")
    with pytest.raises(ValueError):
        get_settings()
