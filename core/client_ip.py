"""The client's address, the one place that decides it.

Behind N reverse proxies that each append the address they received the request from to
`X-Forwarded-For` (nginx `$proxy_add_x_forwarded_for`, Traefik, Caddy, most load balancers), the
client is the N-th address from the right: everything left of it was written by the client and
can say anything. `CREDO_TRUSTED_PROXY_COUNT` is N; 0 (the default) ignores the header and uses
the TCP peer (`REMOTE_ADDR`). django-ratelimit (`RATELIMIT_IP_META_KEY`) and allauth (the account
adapter's `get_client_ip`) both ask this function.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    count: int = settings.CREDO_TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through all of them (a health check
        # on the container's own port, say). Its peer is the best we know.
        return peer
    # A trusted proxy wrote this entry, so it is well formed unless the setting is wrong.
    return _valid(forwarded[-count]) or peer
