"""The README's Python client example works as written against the real server."""

from __future__ import annotations

import contextlib
import io
import re

from finucity.config import PROJECT_ROOT


def _readme_client_code() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    client = [b for b in blocks if "/api/send-message-stream" in b]
    assert client, "the README has no Python client example"
    return client[0]


def test_the_readme_client_sends_and_streams(live_server, new_account):
    email, password, _ = new_account("Readme Reader")
    code = (
        _readme_client_code()
        .replace('"http://localhost:3000"', repr(live_server.url))
        .replace('"you@example.com"', repr(email))
        .replace('"your password"', repr(password))
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    output = printed.getvalue()
    # Both answers printed, the second one streamed in the same conversation.
    assert output.count("You asked about") == 2
    assert "standard deduction" in output and "old regime" in output
