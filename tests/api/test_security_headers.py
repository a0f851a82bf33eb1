"""Every response carries the security headers; HSTS only in production."""

from __future__ import annotations

import pytest

from finucity.api import create_api
from finucity.api.security_headers import CONTENT_SECURITY_POLICY
from tests.api.conftest import Api


@pytest.mark.parametrize("path", ["/health", "/api/auth/me", "/api/no-such-route", "/chat"])
async def test_every_response_carries_the_security_headers(database, api, path):
    response = await api.client().get(path, headers={"Accept": "text/html"})
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "object-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # Plain HTTP in development: no HSTS, or a developer's browser would refuse localhost.
    assert "strict-transport-security" not in response.headers


async def test_production_adds_hsts(database, settings_env):
    settings_env(ENV="production", SECRET_KEY="x" * 40)
    response = await Api(create_api()).client().get("/health")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
