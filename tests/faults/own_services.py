"""A PostgreSQL and a Redis that a test starts, stops and starts again itself.

Not the machine's shared servers (stopping those would break every other
test): a throwaway cluster in a temporary directory and a redis-server, each
on a free port, stopped at the end.

PostgreSQL's initdb refuses to run as root; when the tests run as root the
server runs as the `postgres` user (through runuser), in a directory it owns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("FINUCITY_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = Path(os.environ.get("FINUCITY_REDIS_SERVER", "/usr/bin/redis-server"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root, and runuser is missing: initdb cannot run as root")
    return [runuser, "-u", "postgres", "--"]


def postgres_unavailable_reason() -> str | None:
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL server binaries at {PG_BIN} (set FINUCITY_PG_BIN)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


@dataclass
class OwnPostgres:
    directory: Path
    port: int
    prefix: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.directory / "server.log"), "-w", "-t", "30", "start")

    def stop(self) -> None:
        """Down at once, as a crash or a network cut looks to the app."""
        self._ctl("-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        result = subprocess.run(
            [*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "status"],
            capture_output=True,
        )
        return result.returncode == 0


@contextlib.contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    prefix = _as_postgres_user()
    directory = Path(tempfile.mkdtemp(prefix="finucity-pg-"))
    if prefix:
        shutil.chown(directory, "postgres", "postgres")
    server = OwnPostgres(directory, free_port(), prefix)
    subprocess.run(
        [*prefix, str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            if server.running():
                server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class OwnRedis:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
