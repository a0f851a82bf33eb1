"""Browser tests: the real production server, driven by Playwright in Debian's Chromium.

The server starts once per run (tests/support/live_server.py) against its own
SQLite file and the fake OpenAI server. Tests pick the fake model's behaviour
per message with a `[[fake:NAME]]` marker registered here. Playwright never
downloads a browser: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.fake_openai import FakeOpenAI, Script, long_markdown_answer
from tests.support.live_server import LiveServer, ServerFailed, run_live_server

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
PASSWORD = "browser tests passphrase"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def register_scripts(fake: FakeOpenAI) -> None:
    fake.register("slow", Script(answer_tokens=400, delay_s=0.03))
    fake.register("very-slow", Script(answer_tokens=2000, delay_s=0.05))
    fake.register("reload", Script(answer_tokens=200, delay_s=0.05))
    fake.register("error", Script(status=500))
    fake.register("midfail", Script(answer_tokens=60, delay_s=0.02, error_after=20))
    fake.register("empty", Script(empty=True))
    fake.register("long", Script(chunks=long_markdown_answer(), delay_s=0.004))
    # Alignment the Markdown gives (left, right, centre), and a column of
    # amounts that gives none.
    fake.register(
        "aligned-table",
        Script(
            chunks=[
                "| Year | Amount | Note | Tax |\n",
                "|:---|---:|:---:|---|\n",
                "| 2024 | ₹1,000 | first | ₹100 |\n",
                "| 2025 | ₹12,50,000 | second | ₹1,25,000 |\n",
            ]
        ),
    )
    fake.register(
        "xss",
        Script(
            chunks=[
                "Here is markup that must stay text: ",
                '<img src=x onerror="window.__xss=1"> and ',
                "<script>window.__xss=2</script> ",
                "and a [bad link](javascript:window.__xss=3) ",
                "and ![bad image](javascript:window.__xss=4).",
            ]
        ),
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    fake = FakeOpenAI().start()
    register_scripts(fake)
    try:
        with run_live_server(fake, tmp_path_factory.mktemp("live")) as server:
            yield server
    except ServerFailed as exc:
        pytest.fail(str(exc))
    finally:
        fake.stop()


# --- Playwright, on Debian's Chromium ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def fake(live_server) -> FakeOpenAI:
    return live_server.fake


@pytest.fixture
def new_account(live_server):
    """Create an account through the API; returns (email, password, name)."""

    def make(name: str = "Meera Iyer") -> tuple[str, str, str]:
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        response = httpx.post(
            f"{live_server.url}/api/auth/signup",
            json={"email": email, "password": PASSWORD, "full_name": name},
            headers={"Origin": live_server.url},
            timeout=20,
        )
        assert response.status_code == 201, response.text
        return email, PASSWORD, name

    return make


@pytest.fixture
def sign_in(live_server):
    """Sign a Playwright page in through the real login form."""

    def run(page, email: str, password: str = PASSWORD, next_path: str | None = None) -> None:
        page.goto("/login" + (f"?next={next_path}" if next_path else ""))
        page.fill("#fc-email", email)
        page.fill("#fc-password", password)
        page.click("#fc-submit")
        page.wait_for_url(re.compile(r"/chat(/[0-9a-f-]*)?/?$"))
        page.wait_for_selector("#fc-composer-input")

    return run


@pytest.fixture
def signed_in(page, new_account, sign_in):
    """A page signed in as a fresh user; returns (email, password, name)."""
    email, password, name = new_account()
    sign_in(page, email, password)
    return email, password, name
