"""Start and stop the real production server for browser tests and benchmarks.

`reflex run --env prod --single-port` against its own SQLite file and a fake
OpenAI server: what `make run` serves, with the model replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from finucity.config import PROJECT_ROOT
from tests.fakes.fake_openai import FakeOpenAI

SERVER_START_TIMEOUT_S = 600  # a cold first build installs the frontend packages


class ServerFailed(RuntimeError):
    pass


def run_async(coroutine):
    """Run a coroutine from sync code that may sit inside another event loop
    (Playwright's sync API runs one): in a fresh thread with its own loop."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    port: int
    fake: FakeOpenAI | None
    database_url: str
    log_path: Path

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextlib.contextmanager
def run_live_server(fake: FakeOpenAI | None, data_dir: Path, **settings: str) -> Iterator[LiveServer]:
    """Serve the app on a free port until the block ends. `settings` override env.

    With `fake`, the model is that fake server; without, no key is set and
    the offline assistant answers."""
    port = free_port()
    database_url = f"sqlite:///{data_dir / 'live.db'}"
    log_path = data_dir / "server.log"
    env = {
        **os.environ,
        "ENV": "development",
        "SECRET_KEY": "live-test-secret-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "AI_BASE_URL": fake.base_url if fake else "",
        "AI_API_KEY": "sk-live-test" if fake else "",
        "GITHUB_TOKEN": "",
        "OPENAI_API_KEY": "",
        "AI_TIMEOUT_S": "20",
        "RATE_LIMIT": "1000/minute",
        "LOGIN_LIMIT_IP": "1000/minute",
        "ALLOWED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
        "PORT": str(port),
        "STREAM_PERSIST_INTERVAL_S": "0.5",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "finucity", "migrate"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if migrate.returncode != 0:
        raise ServerFailed(f"migrations failed:\n{migrate.stderr}")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", "--frontend-port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = LiveServer(
            url=f"http://127.0.0.1:{port}", port=port, fake=fake, database_url=database_url, log_path=log_path
        )
        try:
            _wait_until_serving(server, process)
            yield server
        finally:
            _stop(process)


def _wait_until_serving(server: LiveServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"The app exited with {process.returncode} while starting:\n{server.log_tail()}")
        try:
            health = httpx.get(f"{server.url}/health", timeout=2)
            page = httpx.get(f"{server.url}/login", timeout=2, follow_redirects=True)
            if health.status_code == 200 and page.status_code == 200 and "<html" in page.text.lower():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise ServerFailed(f"The app did not start within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
