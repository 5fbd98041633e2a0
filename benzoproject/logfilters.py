"""Logging filters named in ``settings.LOGGING`` (docs/development.md#logs)."""

import logging


class RefusedWithoutTraceback(logging.Filter):
    """Keep a refused access (403) to its one warning line.

    Django logs every ``PermissionDenied`` with the exception attached, so the
    development log showed a full traceback for an ordinary refusal. A refusal
    is expected behaviour, not a fault: the line with the path stays, the
    traceback goes. Every other record passes unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
