"""An administrator for the admin browser tests, made by the command line as on a fresh install."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from finucity.config import PROJECT_ROOT
from tests.browser.conftest import PASSWORD

PASSWORD_ARGS = ("--password", PASSWORD)


def make_admin(live_server, name: str = "Asha Admin") -> tuple[str, str]:
    email = f"admin-{uuid.uuid4().hex[:8]}@finucity.example"
    made = subprocess.run(
        [sys.executable, "-m", "finucity", "create-user", "--email", email, "--name", name, "--admin", *PASSWORD_ARGS],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": live_server.database_url},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return email, PASSWORD
