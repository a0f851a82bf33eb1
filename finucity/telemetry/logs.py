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

import json
import logging
import re
import time
from datetime import UTC, datetime

from finucity.telemetry import context

MASK = "[redacted]"
# What every line may carry besides its message (from the log context or `extra=`).
CONTEXT_FIELDS = ("request_id", "user_id", "route")
_PARAMETER_LOGGERS = ("aiosqlite", "sqlalchemy.engine", "sqlalchemy.pool", "psycopg", "asyncpg")
EXTRA_FIELDS = ("method", "status", "duration_ms", "outcome", "event", "model")

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


class ThrottledWarning:
    """A warning logged at most once per `every_s` (a dependency that stays down
    would otherwise log on every request)."""

    def __init__(self, logger: logging.Logger, every_s: float = 60.0):
        self._logger = logger
        self._every_s = every_s
        self._last = None

    def warn(self, message: str, *args) -> None:
        now = time.monotonic()
        if self._last is None or now - self._last >= self._every_s:
            self._last = now
            self._logger.warning(message, *args)

    def reset(self) -> None:
        self._last = None


def redact(text: str, *, keep_contents: bool = False) -> str:
    """`text` with every secret value it carries replaced by MASK.

    `keep_contents` leaves what people typed in events (LOG_MESSAGE_CONTENTS,
    for debugging on a developer's machine); cookies and tokens go regardless."""
    text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", text)
    text = _HEADER_LINE.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = _PAIR.sub(lambda m: f"{m.group(1)}{MASK}", text)
    if not keep_contents:
        text = _EVENT_PAYLOAD.sub(lambda m: f"{m.group(1)}{{{MASK}}}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)


_base_factory = logging.getLogRecordFactory()
_keep_contents = False


def _redacting_record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    # The context of the work in hand, taken now: a handler may format the
    # record later, elsewhere.
    for name, value in context.current().items():
        setattr(record, name, value)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 (a bad format string: let logging report it as usual)
        return record
    clean = redact(message, keep_contents=_keep_contents)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        # Tracebacks can quote what failed; format now, redacted, and cache it
        # where every Formatter looks first.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the log context
    and the fields a line was given with `extra=` (route, status, duration...)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS + EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The development line, with the request id and user when there are some."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        tags = [f"{name}={getattr(record, name)}" for name in ("request_id", "user_id") if getattr(record, name, None)]
        return f"{line} [{' '.join(tags)}]" if tags else line


def configure_logging(level: int | None = None, fmt: str | None = None) -> None:
    """Install redaction for every record and the app's line format. Idempotent.

    The format is LOG_FORMAT: `json` (the default in production: one event per
    line for a log pipeline) or `text` (the default in development)."""
    from finucity.config import get_settings

    global _keep_contents
    settings = get_settings()
    _keep_contents = settings.log_message_contents
    if logging.getLogRecordFactory() is not _redacting_record_factory:
        logging.setLogRecordFactory(_redacting_record_factory)
    fmt = fmt or settings.effective_log_format
    level = level if level is not None else logging.getLevelName(settings.log_level.upper())
    logging.basicConfig(level=level)
    formatter = JsonFormatter() if fmt == "json" else TextFormatter()
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    # One line per model request is noise; failures are logged by the provider.
    for noisy in ("httpx", "httpx2", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Database drivers log every statement with its parameters (questions,
    # answers, password hashes) at DEBUG or INFO: never let them, at any level,
    # unless contents are explicitly allowed for debugging.
    for driver in _PARAMETER_LOGGERS:
        logging.getLogger(driver).setLevel(logging.DEBUG if _keep_contents else logging.WARNING)
