"""Logging for the whole process: one format, and no secret in any line.

Secrets here are cookies, tokens, keys and passwords, and also what people
type: message contents never belong in a log.

Secrets reach log lines by accident, not by design: Reflex logs an event it
cannot route with its whole router data, Cookie header and tab token included,
and any library may log a request's headers. So redaction happens where every
record is made (the log record factory), not in each handler or formatter,
and whichever handlers Granian or Reflex install later print redacted text.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"

# Names whose values are secrets wherever they appear as `name: value` or
# `name=value`, quoted or not: headers, cookies, tokens, keys, passwords.
_SECRET_NAMES = (
    r"cookie|set-cookie|authorization|proxy-authorization|x-csrf-token|csrf_token|"
    r"client_token|token|access_token|refresh_token|api_key|api-key|apikey|password|secret_key|"
    r"finucity_session|finucity_flash"
)
# 'cookie': 'a=b; c=d'  "token": "..."  (reprs of dicts and JSON)
_QUOTED = re.compile(rf"""(?i)(['"]?\b(?:{_SECRET_NAMES})['"]?\s*[:=]\s*)(['"])((?:\\.|(?!\2).)*)\2""")
# Cookie: a=b; c=d   (header lines, up to the end of the line)
_HEADER_LINE = re.compile(r"(?im)^(\s*(?:cookie|set-cookie|authorization)\s*:\s*)(.+)$")
# finucity_session=abc  token=abc  (cookie pairs and query strings)
_PAIR = re.compile(rf"(?i)(\b(?:{_SECRET_NAMES})=)([^\s;&'\",}}]+)")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
# An event's arguments (Reflex logs whole events it cannot handle): they carry
# what people typed, which is theirs, not the log's.
_EVENT_PAYLOAD = re.compile(r"(?s)(\bpayload=)\{.*\}")


def redact(text: str) -> str:
    """`text` with every secret value it carries replaced by MASK."""
    text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", text)
    text = _HEADER_LINE.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = _PAIR.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = _EVENT_PAYLOAD.sub(lambda m: f"{m.group(1)}{{{MASK}}}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)


_base_factory = logging.getLogRecordFactory()


def _redacting_record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 (a bad format string: let logging report it as usual)
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        # Tracebacks can quote what failed; format now, redacted, and cache it
        # where every Formatter looks first.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def configure_logging(level: int = logging.INFO) -> None:
    """Install redaction for every record and the app's line format. Idempotent."""
    if logging.getLogRecordFactory() is not _redacting_record_factory:
        logging.setLogRecordFactory(_redacting_record_factory)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One line per model request is noise; failures are logged by the provider.
    for noisy in ("httpx", "httpx2", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
