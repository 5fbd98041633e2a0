"""Request context for the audit log: the client address and role of the current request,
and the request itself, so that a change written outside a view (a signal on a membership
changed in the admin) names the user who made it."""

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
# The role the user acts in on this request (set by benzoproject.access.practice_view).
audit_role: ContextVar[str] = ContextVar("audit_role", default="")
# Set when the current request already wrote an audit event (e.g. an export), so
# the generic page-view entry is not written twice.
request_audited: ContextVar[bool] = ContextVar("request_audited", default=False)
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def acting_user() -> Any:
    """The logged-in user of the current request, or None (a command, the worker)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, only when that is a trusted proxy
    (``TRUSTED_PROXIES``), the last address in X-Forwarded-For that is not a trusted proxy.

    Reading from the right means a client cannot choose its address by sending its own
    X-Forwarded-For: only what the trusted proxies appended counts.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        return remote
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed header: believe only the proxy itself
        if not _trusted(hop):
            return hop
    return hops[0] if hops else remote


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address.set(client_ip(request))
        role = audit_role.set("")
        audited = request_audited.set(False)
        current = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(address)
            audit_role.reset(role)
            request_audited.reset(audited)
            current_request.reset(current)
