"""A real server process for the fault tests: the app's API under uvicorn.

The same `create_api()` and the same start-up and shut-down hooks as the
Reflex app (`finucity/app.py` registers `lifecycle.warm_up`/`shutdown` as its
lifespan task), in a process a test can kill -9 or SIGTERM, and that starts
in a second instead of the minutes a Reflex build takes. Settings come from
the environment the test gives it.

Run: python tests/faults/api_process.py PORT
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ApiProcess:
    process: subprocess.Popen
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict[str, str], log_path: Path, *, timeout: float = 90) -> ApiProcess:
    """Start the server and wait until /health answers (any status)."""
    import httpx

    port = free_port()
    log = log_path.open("a")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = ApiProcess(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API process exited with {process.returncode}:\n{server.log_tail()}")
        try:
            httpx.get(f"{server.url}/health", timeout=5)
            return server
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"the API process did not start in {timeout} s ({last!r}):\n{server.log_tail()}")


def stop(server: ApiProcess) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextlib.contextmanager
def running(env: dict[str, str], log_path: Path) -> Iterator[ApiProcess]:
    server = start(env, log_path)
    try:
        yield server
    finally:
        stop(server)


def _serve(port: int) -> None:
    sys.path.insert(0, str(ROOT))
    import uvicorn

    from finucity.api import create_api
    from finucity.services import lifecycle
    from finucity.telemetry.logs import configure_logging

    configure_logging()
    app = create_api()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        await lifecycle.warm_up()
        yield
        await lifecycle.shutdown()

    app.router.lifespan_context = lifespan
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
