"""The development log: a refused access is one line without a traceback (issue 11, 13)."""

import io
import logging
import logging.config

from django.conf import settings
from django.urls import reverse
from django.utils.log import DEFAULT_LOGGING

from patients.models import Role

NAMES = ("", "django", "django.request", "django.server")


class ProjectLog:
    """The project's logging as ``runserver`` sets it up with DEBUG on, every console
    handler writing into one buffer; the loggers are put back afterwards."""

    def __init__(self):
        self.buffer = io.StringIO()

    def __enter__(self):
        self.saved = [(logger, list(logger.handlers), list(logger.filters), logger.propagate,
                       logger.level) for logger in map(logging.getLogger, NAMES)]
        logging.config.dictConfig(DEFAULT_LOGGING)
        logging.config.dictConfig(settings.LOGGING)
        for logger in map(logging.getLogger, NAMES):
            for handler in logger.handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setStream(self.buffer)
        return self

    def __exit__(self, *exc):
        for logger, handlers, filters, propagate, level in self.saved:
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.propagate = propagate
            logger.level = level

    @property
    def text(self) -> str:
        return self.buffer.getvalue()


def test_a_refused_access_is_logged_once_without_a_traceback(settings, project, users,
                                                             client_for):
    settings.DEBUG = True
    with ProjectLog() as log:
        response = client_for(users[Role.APOTHEKER]).get(project.get_absolute_url())
    assert response.status_code == 403
    err = log.text
    assert err.count("Forbidden (Permission denied): " + project.get_absolute_url()) == 1
    assert "Traceback" not in err


def test_a_server_error_still_logs_its_traceback(settings, users, client_for, monkeypatch):
    from benzoproject import views

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(views, "start_page", broken)
    client = client_for(users[Role.POH_GGZ])
    client.raise_request_exception = False
    settings.DEBUG = True
    with ProjectLog() as log:
        assert client.get(reverse("home")).status_code == 500
    err = log.text
    assert err.count("Traceback") == 1 and "RuntimeError: kapot" in err
