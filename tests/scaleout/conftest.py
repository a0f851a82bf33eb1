"""Two workers on PostgreSQL and Redis (tests/scaleout/cluster.py), started once per session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.fake_openai import FakeOpenAI, Script
from tests.scaleout.cluster import Cluster, run_cluster
from tests.scaleout.nginx_proxy import run_nginx
from tests.support.live_server import ServerFailed, free_port

PASSWORD = "scale-out tests passphrase"
PREFERRED_NGINX_PORT = 43817
# Messages per user per minute, counted across both workers.
CLUSTER_RATE_LIMIT = "4/minute"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/scaleout/" in str(item.fspath):
            item.add_marker(pytest.mark.postgres)
            # The first run compiles the pages (installing the frontend packages).
            item.add_marker(pytest.mark.timeout(900))


def register_scripts(fake: FakeOpenAI) -> None:
    # About 6 s of answer: long enough to watch it grow, reload and stop.
    fake.register("slow", Script(answer_tokens=120, delay_s=0.05))
    fake.set_default(Script(chunks=["A quick ", "answer."]))


@pytest.fixture(scope="session")
def scaleout_fake() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    register_scripts(fake)
    try:
        yield fake
    finally:
        fake.stop()


def _nginx_port() -> int:
    """A fixed port when it is free: the pages are built for the proxy's
    address (PUBLIC_URL), and the same address lets the next run reuse them."""
    import socket

    with socket.socket() as s:
        # As nginx binds: a port whose last connections linger in TIME_WAIT is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", PREFERRED_NGINX_PORT))
            return PREFERRED_NGINX_PORT
        except OSError:
            return free_port()


@pytest.fixture(scope="session")
def cluster(scaleout_fake, tmp_path_factory) -> Iterator[Cluster]:
    nginx_port = _nginx_port()
    public = f"http://127.0.0.1:{nginx_port}"
    try:
        with run_cluster(
            scaleout_fake,
            tmp_path_factory.mktemp("cluster"),
            extra_origins=(public,),
            PUBLIC_URL=public,
            TRUSTED_PROXIES="127.0.0.1",
            RATE_LIMIT=CLUSTER_RATE_LIMIT,
            # Saved to the database only every 30 s: whatever a reader on the
            # other worker sees live came through Redis, not the database.
            STREAM_PERSIST_INTERVAL_S="30",
        ) as running:
            running.extra["nginx_port"] = str(nginx_port)
            yield running
    except ServerFailed as exc:
        pytest.fail(str(exc))


class User:
    def __init__(self, base_url: str) -> None:
        self.email = f"{uuid.uuid4().hex[:10]}@example.com"
        response = httpx.post(
            f"{base_url}/api/auth/signup",
            json={"email": self.email, "password": PASSWORD, "full_name": "Kavya Menon"},
            headers={"Origin": base_url},
            timeout=20,
        )
        assert response.status_code == 201, response.text
        self.session = response.cookies["finucity_session"]
        self.cookie = f"finucity_session={self.session}"
        me = httpx.get(f"{base_url}/api/auth/me", headers={"Cookie": self.cookie}, timeout=20).json()
        token = httpx.post(
            f"{base_url}/api/tokens",
            json={"name": "scale-out test"},
            headers={"Cookie": self.cookie, "X-CSRF-Token": me["csrf_token"], "Origin": base_url},
            timeout=20,
        )
        assert token.status_code in (200, 201), token.text
        self.bearer = {"Authorization": f"Bearer {token.json()['secret']}"}


@pytest.fixture
def new_user(cluster):
    def make(on: str = "a") -> User:
        return User(getattr(cluster, on).url)

    return make


# --- the browser through nginx (Playwright on Debian's Chromium, as in tests/browser) ----------

CHROMIUM = os.environ.get("FINUCITY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def proxied(cluster, tmp_path_factory) -> Iterator[str]:
    """nginx with deploy/nginx/finucity.conf in front of both workers; its URL."""
    try:
        with run_nginx(
            int(cluster.extra["nginx_port"]),
            [f"127.0.0.1:{cluster.a.port}", f"127.0.0.1:{cluster.b.port}"],
            tmp_path_factory.mktemp("nginx"),
        ) as url:
            yield url
    except ServerFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, proxied):
    return {**browser_context_args, "base_url": proxied, "viewport": {"width": 1280, "height": 800}}
