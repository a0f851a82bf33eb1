"""No secret survives into a log line, whatever shape it is logged in."""

from __future__ import annotations

import logging

import pytest

from finucity.telemetry.logs import MASK, configure_logging, redact

COOKIE = "finucity_session=s3cr3t-session-value; finucity_flash=flash-value"


@pytest.mark.parametrize(
    "line, secrets",
    [
        # Reflex's repr of an event's router data.
        (
            f"Event(name='x', router_data={{'headers': {{'cookie': '{COOKIE}', 'host': 'a'}}, 'token': 'tab-123'}})",
            ["s3cr3t-session-value", "flash-value", "tab-123"],
        ),
        # JSON.
        ('{"authorization": "Bearer sk-live-abc", "client_token": "tab-456"}', ["sk-live-abc", "tab-456"]),
        # A header line and a bare bearer token.
        ("Cookie: finucity_session=abc.def\nnext", ["abc.def"]),
        ("calling with Bearer ghp_123456 now", ["ghp_123456"]),
        # A query string and cookie pairs.
        ("GET /_event/?EIO=4&token=tab-789&transport=websocket", ["tab-789"]),
        ("api_key=sk-proj-xyz password=hunter2", ["sk-proj-xyz", "hunter2"]),
        # What a person typed, in an event Reflex could not handle.
        (
            "Error for Event(name='a.b', router_data={}, payload={'text': 'my salary is 12 lakh'}) [txid=1]:",
            ["my salary is 12 lakh"],
        ),
    ],
)
def test_redact_masks_every_secret(line, secrets):
    clean = redact(line)
    assert MASK in clean
    for secret in secrets:
        assert secret not in clean


def test_redact_keeps_ordinary_text():
    line = "answer complete: prompt_tokens=120 completion_tokens=340 in 2.1 s"
    assert redact(line) == line


def test_every_logger_redacts_even_in_tracebacks(caplog):
    configure_logging()
    log = logging.getLogger("reflex.some.module")
    with caplog.at_level(logging.ERROR):
        try:
            raise KeyError(f"no handler; headers={{'cookie': '{COOKIE}'}}")
        except KeyError:
            log.exception("Error processing event %s", {"cookie": COOKIE})
    text = caplog.text
    assert "Error processing event" in text
    assert "s3cr3t-session-value" not in text
    assert "flash-value" not in text
