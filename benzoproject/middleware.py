"""Request context for the audit log: the client address of the current request, and the
request itself, so that a change written outside a view (a signal on a membership changed in
the admin) names the user who made it."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
# Set when the current request already wrote an audit event (e.g. an export), so
# the generic page-view entry is not written twice.
request_audited: ContextVar[bool] = ContextVar("request_audited", default=False)
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def acting_user() -> Any:
    """The logged-in user of the current request, or None (a command, the worker)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address.set(request.META.get("REMOTE_ADDR") or None)
        audited = request_audited.set(False)
        current = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(address)
            request_audited.reset(audited)
            current_request.reset(current)
