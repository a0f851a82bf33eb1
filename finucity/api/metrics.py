"""`GET /metrics`: Prometheus' text format, for the operator's scraper only.

Open in development. In production a scrape needs `Authorization: Bearer
<METRICS_TOKEN>` or a client address in METRICS_ALLOW_IPS; with neither set,
the endpoint answers 404 to everyone, so it cannot be left open by omission.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request, Response

from finucity.api.deps import client_ip
from finucity.config import get_settings
from finucity.telemetry import metrics

router = APIRouter()


def _allowed(request: Request) -> bool:
    settings = get_settings()
    if not settings.is_production:
        return True
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        if hmac.compare_digest(request.headers.get("authorization", "").encode(), expected.encode()):
            return True
    return _in_allow_list(client_ip(request), settings.metrics_allow_ips)


def _in_allow_list(ip: str | None, allow: str) -> bool:
    if not ip or not allow.strip():
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in allow.split(","):
        try:
            if entry.strip() and address in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request) -> Response:
    if not _allowed(request):
        return Response(status_code=404)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
