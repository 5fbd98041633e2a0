"""Request context for the audit log: the client address of the current request; and
the refusal of input no field may hold."""

from collections.abc import Callable
from contextvars import ContextVar

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
# Set when the current request already wrote an audit event (e.g. an export), so
# the generic page-view entry is not written twice.
request_audited: ContextVar[bool] = ContextVar("request_audited", default=False)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address.set(request.META.get("REMOTE_ADDR") or None)
        audited = request_audited.set(False)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(address)
            request_audited.reset(audited)


class NullCharacterMiddleware:
    """A request whose query or form values hold a NUL character is refused (400,
    templates/400.html) before any view runs: PostgreSQL cannot store or compare such a
    text ("A string literal cannot contain NUL"), so a search or filter would crash.
    Django's form fields refuse it too; this covers the values views read directly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for values in (request.GET, request.POST if request.method == "POST" else None):
            if values is not None and any(
                    "\x00" in key or any("\x00" in value for value in listed)
                    for key, listed in values.lists()):
                raise BadRequest("a NUL character in the request")
        return self.get_response(request)
