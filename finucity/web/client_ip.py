"""The client's IP address, believing forwarding headers only from our own proxies.

Behind nginx every connection comes from the proxy, so the rate limits, the
sign-in throttle and the audit log would all see one address. The proxy names
the client in X-Forwarded-For (and X-Real-IP), but anyone can send those
headers: they count only when the connection itself comes from an address in
TRUSTED_PROXIES. X-Forwarded-For is read from the right, skipping our own
proxies, so a client cannot prepend an address of its choosing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from finucity.config import get_settings


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(peer: str | None, headers: Mapping[str, str]) -> str | None:
    """The client's address, given the connection's peer and the request's
    headers (lower-case names, as ASGI and Reflex give them)."""
    trusted = get_settings().trusted_proxy_networks
    if not peer or not trusted:
        return peer or None

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(_address(peer)):
        return peer
    forwarded = [part.strip() for part in headers.get("x-forwarded-for", "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: believe nothing further left
        if not is_trusted(address):
            return str(address)
    real_ip = _address(headers.get("x-real-ip", ""))
    if real_ip is not None:
        return str(real_ip)
    # Every hop was one of ours (or the header was garbage): the leftmost
    # address we could read, else the proxy itself.
    for hop in forwarded:
        address = _address(hop)
        if address is not None:
            return str(address)
    return peer
