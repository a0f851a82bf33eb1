"""Debian's nginx, run by the test itself with deploy/nginx/finucity.conf.

The shipped config is used as it is, with three changes: the upstream lists
the test's two workers, it listens on the test's port on 127.0.0.1, and the
pid, log and temp files live in a temp directory, so nginx runs as the
current user beside anything else on the machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from finucity.config import PROJECT_ROOT
from tests.support.live_server import ServerFailed

NGINX = os.environ.get("FINUCITY_NGINX", "/usr/sbin/nginx")
SHIPPED_CONFIG = PROJECT_ROOT / "deploy" / "nginx" / "finucity.conf"


def site_config(port: int, workers: list[str]) -> str:
    config = SHIPPED_CONFIG.read_text()
    upstream = "\n".join(f"    server {worker} max_fails=3 fail_timeout=10s;" for worker in workers)
    config, found = re.subn(r"(?m)^\s*server 127\.0\.0\.1:3000[^\n]*$", upstream, config)
    assert found == 1, "the upstream block of deploy/nginx/finucity.conf changed"
    config, found = re.subn(r"(?m)^\s*listen 80;$", f"    listen 127.0.0.1:{port};", config)
    assert found == 1, "the listen line of deploy/nginx/finucity.conf changed"
    return config


def main_config(directory: Path, site: Path) -> str:
    # As root, nginx's workers would drop to `nobody`, who cannot read a
    # private temp directory: keep them as the current user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {site};
}}
"""


@contextlib.contextmanager
def run_nginx(port: int, workers: list[str], directory: Path) -> Iterator[str]:
    if not Path(NGINX).exists():
        raise ServerFailed(f"nginx not found at {NGINX}: `make install-dev` installs Debian's nginx")
    directory.mkdir(parents=True, exist_ok=True)
    site = directory / "finucity.conf"
    site.write_text(site_config(port, workers))
    main = directory / "nginx.conf"
    main.write_text(main_config(directory, site))
    check = subprocess.run([NGINX, "-t", "-p", str(directory), "-c", str(main)], capture_output=True, text=True)
    if check.returncode != 0:
        raise ServerFailed(f"nginx refused the config:\n{check.stderr}")
    with (directory / "stderr.log").open("w") as log:
        process = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(main)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise ServerFailed(f"nginx exited: {(directory / 'error.log').read_text(errors='replace')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise ServerFailed("nginx did not answer within 20 s")
            time.sleep(0.1)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
