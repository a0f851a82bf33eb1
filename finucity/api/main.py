"""The REST API assembled: its routers, error handlers and middleware.

Reflex mounts this FastAPI app in front of its own routes. Every route is
answered under `/api/...` and, for clients of the Flask version, under
`/chat/api/...` (hidden from the docs to keep them readable).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from finucity.api import admin, auth, chat, conversations, feedback, metrics, tools
from finucity.api.errors import install_error_handlers
from finucity.api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from finucity.api.pages import PageGuardMiddleware
from finucity.api.schemas import ERROR_RESPONSES, HealthResponse, Ok
from finucity.api.security_headers import SecurityHeadersMiddleware
from finucity.config import VERSION
from finucity.services import health

DESCRIPTION = """
Finucity Chat's JSON API: the same services as the web app, with the same rules.

**Authentication**: the `finucity_session` cookie from `/api/auth/login`, or a personal
token from `/api/tokens` as `Authorization: Bearer fc_...`. With the cookie, requests that
change something must send the `X-CSRF-Token` header (from login or `/api/auth/me`).

**Errors** are JSON: `{"success": false, "error": "...", "field": "..."}`. Every response
carries `X-Request-ID` and `X-Response-Time`.
"""


def _api_router() -> APIRouter:
    router = APIRouter()
    router.include_router(auth.router)
    router.include_router(chat.router)
    router.include_router(conversations.router)
    router.include_router(feedback.router)
    router.include_router(admin.router)
    router.include_router(tools.router)
    return router


def create_api() -> FastAPI:
    app = FastAPI(
        title="Finucity Chat API",
        version=VERSION,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api = _api_router()
    app.include_router(api, prefix="/api", responses=ERROR_RESPONSES)
    app.include_router(api, prefix="/chat/api", include_in_schema=False)
    app.include_router(auth.forms)
    app.include_router(metrics.router)

    @app.get("/health", response_model=HealthResponse, tags=["health"], responses={503: {"model": HealthResponse}})
    async def health_check():
        """Database, Redis and AI provider, each as it is. 200 while the app can serve
        (database, and Redis when configured); 503 when it cannot."""
        result = await health.check()
        body = HealthResponse(
            status=result.status,
            ready=result.usable,
            database=result.database,
            ai_service=result.ai_service,
            redis=result.redis,
            version=result.version,
        )
        return JSONResponse(body.model_dump(), status_code=200 if result.usable else 503)

    @app.get("/health/live", response_model=Ok, tags=["health"])
    async def health_live():
        """The process is up and answering (for a restart policy); checks nothing else."""
        return Ok()

    @app.get(
        "/health/ready", response_model=HealthResponse, tags=["health"], responses={503: {"model": HealthResponse}}
    )
    async def health_ready():
        """Send traffic here? 200 when the app can serve, else 503 (for a load balancer)."""
        return await health_check()

    install_error_handlers(app)
    # Outermost last: ids and timing wrap everything, including 413s.
    app.add_middleware(PageGuardMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
