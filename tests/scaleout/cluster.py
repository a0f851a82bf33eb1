"""Two app workers on one PostgreSQL database and one Redis, as separate processes.

The pages are compiled once (`reflex export`, skipped when nothing changed);
then each worker is Granian serving the app and those pages, as one of
`make run-prod`'s worker processes does, on its own port, so a test decides
which worker serves what.

The PostgreSQL database (`finucity_scaleout_<random>`) and the Redis database
number (the first empty one of 9-15) belong to this test session alone and
are dropped and flushed at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

from finucity.config import PROJECT_ROOT
from tests.fakes.fake_openai import FakeOpenAI
from tests.support.live_server import LiveServer, ServerFailed, _stop, _wait_until_serving, free_port

POSTGRES_ADMIN_URL = os.environ.get("FINUCITY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE_URL = os.environ.get("FINUCITY_TEST_REDIS", "redis://127.0.0.1:6379")
REDIS_DBS = range(9, 16)


@dataclass
class Cluster:
    a: LiveServer
    b: LiveServer
    database_url: str
    redis_url: str
    fake: FakeOpenAI
    extra: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    name = f"finucity_scaleout_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_redis() -> Iterator[str]:
    """A Redis database number nobody else is using, flushed afterwards."""
    for number in REDIS_DBS:
        client = redis.Redis.from_url(f"{REDIS_BASE_URL}/{number}")
        # Claim it atomically, so a parallel session picks another one.
        if client.dbsize() == 0 and client.set("finucity:scaleout-claim", "1", nx=True, ex=3600):
            break
        client.close()
    else:
        raise ServerFailed(f"no empty Redis database among {list(REDIS_DBS)}")
    try:
        yield f"{REDIS_BASE_URL}/{number}"
    finally:
        client.flushdb()
        client.close()


def _env(port: int, origins: str, database_url: str, redis_url: str, fake: FakeOpenAI, **settings: str) -> dict:
    return {
        **os.environ,
        "ENV": "development",
        "SECRET_KEY": "scaleout-test-secret-shared-by-both-workers",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AI_BASE_URL": fake.base_url,
        "AI_API_KEY": "sk-scaleout-test",
        "GITHUB_TOKEN": "",
        "OPENAI_API_KEY": "",
        "AI_TIMEOUT_S": "20",
        "LOGIN_LIMIT_IP": "1000/minute",
        "ALLOWED_ORIGINS": origins,
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
        "PYTHONUNBUFFERED": "1",
        # One process per worker here (with Redis, Reflex would start 2 x cores + 1).
        "GRANIAN_WORKERS": "1",
        **settings,
    }


@contextlib.contextmanager
def _serve(command: list[str], env: dict, port: int, fake: FakeOpenAI, log_path: Path, database_url: str):
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        server = LiveServer(
            url=f"http://127.0.0.1:{port}", port=port, fake=fake, database_url=database_url, log_path=log_path
        )
        try:
            _wait_until_serving(server, process)
            yield server
        finally:
            _stop(process)


BUILD_ATTEMPTS = 3
BUILD_STAMP = PROJECT_ROOT / ".web" / ".scaleout-build"


def _sources_fingerprint(public_url: str) -> str:
    digest = hashlib.sha256(public_url.encode())
    for root in ("finucity", "assets"):
        for path in sorted((PROJECT_ROOT / root).rglob("*")):
            # (assets/external is written by the build itself.)
            if path.is_file() and "__pycache__" not in path.parts and "external" not in path.parts:
                digest.update(f"{path}:{path.stat().st_mtime_ns}".encode())
    digest.update(str((PROJECT_ROOT / "rxconfig.py").stat().st_mtime_ns).encode())
    return digest.hexdigest()


def build_pages(env: dict, log_path: Path) -> None:
    """Compile the pages once (`reflex export`), unless they are already built
    from these sources for this PUBLIC_URL. Under heavy load the build's
    prerender step can time out: try again."""
    fingerprint = _sources_fingerprint(env.get("PUBLIC_URL", ""))
    index = PROJECT_ROOT / ".web" / "build" / "client" / "index.html"
    # The stamp names the sources and the very build it vouches for: any other
    # build since (`make run`, tests/browser) rewrote index.html.
    if (
        index.exists()
        and BUILD_STAMP.exists()
        and BUILD_STAMP.read_text() == f"{fingerprint}:{index.stat().st_mtime_ns}"
    ):
        return
    for _ in range(BUILD_ATTEMPTS):
        with log_path.open("a") as log:
            built = subprocess.run(
                [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=900,
            )
        if built.returncode == 0 and index.exists():
            BUILD_STAMP.write_text(f"{fingerprint}:{index.stat().st_mtime_ns}")
            return
    raise ServerFailed(f"the pages did not build:\n{log_path.read_text()[-3000:]}")


def worker_command(port: int) -> list[str]:
    """One worker process serving the app and the compiled pages, without compiling."""
    return [
        *(sys.executable, "-m", "granian", "--interface", "asgi", "--factory"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        "finucity.app:app",
    ]


SERVE_COMPILED = {
    "REFLEX_ENV_MODE": "prod",
    "__REFLEX_SKIP_COMPILE": "true",
    "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
}


@contextlib.contextmanager
def run_cluster(
    fake: FakeOpenAI,
    data_dir: Path,
    *,
    port_a: int = 0,
    port_b: int = 0,
    extra_origins: tuple[str, ...] = (),
    **settings: str,
) -> Iterator[Cluster]:
    port_a, port_b = port_a or free_port(), port_b or free_port()
    origins = ",".join(
        [f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", *extra_origins, "http://localhost:3000"]
    )
    with scratch_postgres() as database_url, scratch_redis() as redis_url:
        env_a = _env(port_a, origins, database_url, redis_url, fake, **settings)
        migrate = subprocess.run(
            [sys.executable, "-m", "finucity", "migrate"], cwd=PROJECT_ROOT, env=env_a, capture_output=True, text=True
        )
        if migrate.returncode != 0:
            raise ServerFailed(f"migrations failed:\n{migrate.stderr}")
        build_pages(env_a, data_dir / "build.log")
        env_a.update(SERVE_COMPILED)
        env_b = {**_env(port_b, origins, database_url, redis_url, fake, **settings), **SERVE_COMPILED}
        with (
            _serve(worker_command(port_a), env_a, port_a, fake, data_dir / "worker-a.log", database_url) as a,
            _serve(worker_command(port_b), env_b, port_b, fake, data_dir / "worker-b.log", database_url) as b,
        ):
            yield Cluster(a=a, b=b, database_url=database_url, redis_url=redis_url, fake=fake)
