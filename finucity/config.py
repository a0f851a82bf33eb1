"""Every setting of Finucity Chat, read from the environment and `.env`.

One place: the rest of the code asks `get_settings()` and never reads
`os.environ` itself. Secrets are `SecretStr`, so they print as `**********`
in logs, reprs and tracebacks.
"""

from __future__ import annotations

import functools
import ipaddress
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

GITHUB_MODELS_URL = "https://models.github.ai/inference"
VERSION = "0.1.0"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    env: Literal["development", "production"] = "development"

    # --- storage -------------------------------------------------------------
    database_url: str = f"sqlite:///{DATA_DIR / 'finucity.db'}"
    # Unset means everything stays in this process (state, rate limits).
    redis_url: str | None = None
    # PostgreSQL connection pool, per worker process (SQLite has none).
    db_pool_size: int = Field(default=10, ge=1, le=1000)
    db_max_overflow: int = Field(default=20, ge=0, le=1000)
    db_pool_timeout_s: float = Field(default=30.0, gt=0)
    db_pool_recycle_s: int = Field(default=1800, ge=-1)
    db_pool_pre_ping: bool = True
    # "transaction" behind PgBouncer or Supabase's transaction pooler (no
    # server-side prepared statements there); "session" for a direct
    # connection or a session pooler. Empty: "transaction" on port 6543.
    database_pooler: Literal["", "session", "transaction"] = ""

    # --- security ------------------------------------------------------------
    secret_key: SecretStr | None = None
    allowed_origins: str = "http://localhost:3000,http://127.0.0.1:3000"
    session_days: int = Field(default=14, ge=1, le=365)
    # Seconds a browser tab's state (what its page shows: conversations,
    # titles) is kept after its last event, in memory or in Redis. Ending a
    # session empties its tabs at once; this bounds what a closed tab leaves.
    tab_state_ttl_s: int = Field(default=3600, ge=60, le=86_400)
    # Sign-in throttling: failed attempts per account, and attempts per IP.
    login_limit_account: str = "5/15 minutes"
    login_limit_ip: str = "30/15 minutes"
    # Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For
    # and X-Real-IP name the client; from anyone else those headers are ignored.
    trusted_proxies: str = ""

    # --- the AI provider -----------------------------------------------------
    ai_base_url: str = GITHUB_MODELS_URL
    ai_api_key: SecretStr | None = None
    github_token: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    ai_model: str = "openai/gpt-4o-mini"
    ai_max_tokens: int = Field(default=4000, ge=16, le=128_000)
    ai_temperature: float = Field(default=0.3, ge=0.0, le=2.0)
    ai_timeout_s: float = Field(default=60.0, gt=0)
    # Retries of a 429/5xx/refused/timed-out request, only before any text
    # has streamed; the backoff doubles from AI_RETRY_BACKOFF_S, and a
    # Retry-After longer than AI_RETRY_MAX_WAIT_S means "give up now".
    ai_max_retries: int = Field(default=1, ge=0, le=5)
    ai_retry_backoff_s: float = Field(default=0.5, gt=0)
    ai_retry_max_wait_s: float = Field(default=20.0, ge=0)
    # Seconds without a new piece of text, once the answer has started,
    # before it is given up as stalled (AI_TIMEOUT_S covers the first piece).
    ai_stream_idle_timeout_s: float = Field(default=30.0, gt=0)
    # Budget for the conversation history sent with each question.
    ai_history_tokens: int = Field(default=6000, ge=0)
    # The answer cache (services/answer_cache.py): the answer to a question
    # that starts a conversation, kept this many seconds for anyone who starts
    # one with the same question, category, model and prompt. Redis when
    # REDIS_URL is set (shared by the workers), else this process's memory.
    answer_cache_enabled: bool = True
    answer_cache_ttl_s: int = Field(default=300, ge=1, le=86_400)

    # --- limits --------------------------------------------------------------
    rate_limit: str = "20/minute"
    max_message_chars: int = 10_000
    # Tokens (prompt + completion) a user may use per UTC day; 0: no limit.
    # A user's own quota (set in the admin area) overrides it.
    default_daily_token_quota: int = Field(default=0, ge=0)

    # --- serving -------------------------------------------------------------
    port: int = 3000
    # The address people open when a proxy serves the app on another port or
    # host (https://chat.example.com); the pages open their socket there.
    # Unset: the host of the page, on PORT (or 443 over https).
    public_url: str | None = None
    # Seconds between saves of an answer that is still streaming.
    stream_persist_interval_s: float = Field(default=1.0, gt=0)
    # Seconds between screen updates of a streaming answer (10 per second).
    stream_ui_interval_s: float = Field(default=0.1, gt=0)
    # A streaming answer is saved at least this often even when no text
    # arrives (its heartbeat); one not saved for STREAM_STALE_AFTER_S is
    # taken as abandoned by a dead worker and marked failed (interrupted).
    stream_heartbeat_s: float = Field(default=5.0, gt=0)
    stream_stale_after_s: float = Field(default=30.0, gt=0)

    # --- Supabase Auth (optional) -----------------------------------------------
    # Set both and the sign-in form also accepts Supabase Auth credentials.
    supabase_url: str | None = None
    supabase_anon_key: SecretStr | None = None
    # The project's JWT secret (legacy HS256 projects): access tokens are then
    # verified here too, not only by asking Supabase's user endpoint.
    supabase_jwt_secret: SecretStr | None = None

    # --- operations ----------------------------------------------------------
    # Log lines: "json" (one event per line) or "text"; unset: json in production.
    log_format: Literal["json", "text"] | None = None
    log_level: str = "INFO"
    # Debugging only: keep what people typed in logged events. Cookies and
    # tokens are masked whatever this says.
    log_message_contents: bool = False
    # /metrics: open in development; in production it needs this bearer token
    # or a client address in METRICS_ALLOW_IPS (comma-separated IPs or networks).
    metrics_token: SecretStr | None = None
    metrics_allow_ips: str = ""
    # Error reports to Sentry (or any Sentry-compatible service) when set.
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    @field_validator("redis_url", "public_url", "log_format", "supabase_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: str) -> str:
        parse_networks(value)  # raises on a typo, at start-up rather than per request
        return value

    @field_validator("database_url", "ai_base_url", "ai_model", mode="before")
    @classmethod
    def _blank_is_default(cls, value, info):
        # `DATABASE_URL=` in a copied .env means "the default", not "nothing".
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name].default
        return value

    @field_validator(
        "ai_api_key",
        "github_token",
        "openai_api_key",
        "secret_key",
        "metrics_token",
        "sentry_dsn",
        "supabase_anon_key",
        "supabase_jwt_secret",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _stale_means_several_missed_heartbeats(self) -> Settings:
        if self.stream_stale_after_s < 2 * self.stream_heartbeat_s:
            raise ValueError("STREAM_STALE_AFTER_S must be at least twice STREAM_HEARTBEAT_S")
        return self

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.is_production and self.secret_key is None:
            raise ValueError(
                "SECRET_KEY must be set when ENV=production "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    # --- derived values --------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("json" if self.is_production else "text")

    @property
    def origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]

    @property
    def effective_ai_key(self) -> str | None:
        """AI_API_KEY, else GITHUB_TOKEN, else OPENAI_API_KEY."""
        for key in (self.ai_api_key, self.github_token, self.openai_api_key):
            if key is not None:
                return key.get_secret_value()
        return None

    @property
    def offline_mode(self) -> bool:
        """No key: the built-in offline assistant answers."""
        return self.effective_ai_key is None

    @property
    def secret(self) -> bytes:
        """The signing secret; in development it is generated once and kept."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _development_secret()

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return parse_networks(self.trusted_proxies)

    @property
    def sync_database_url(self) -> str:
        return normalize_database_url(self.database_url, asynchronous=False)

    @property
    def async_database_url(self) -> str:
        return normalize_database_url(self.database_url, asynchronous=True)


def normalize_database_url(url: str, *, asynchronous: bool) -> str:
    """Map the URLs people paste (postgres://, sqlite:///) to our drivers.

    psycopg 3 serves both the sync (Alembic, CLI) and async (app) engines;
    aiosqlite is the async SQLite driver.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like sqlite:///path or postgresql://user@host/db")
    base = scheme.split("+", 1)[0].lower()
    if base in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}" if asynchronous else f"sqlite://{rest}"
    raise ValueError(f"Unsupported database scheme {scheme!r}: use sqlite or postgresql")


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """ "10.0.0.0/8, 127.0.0.1" -> networks (a bare address is a /32 or /128)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


@functools.lru_cache(maxsize=1)
def _development_secret() -> bytes:
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Tests change the environment and ask for fresh settings."""
    get_settings.cache_clear()
