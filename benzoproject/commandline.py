"""Helpers shared by the management commands of every app (docs/domain.md#command-line)."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def read_input(file: str) -> bytes:
    """The bytes of the command's input file, or a clear refusal (exit 1) when it cannot be
    read (missing, a folder, no permission)."""
    try:
        return Path(file).read_bytes()
    except OSError as error:
        raise CommandError(_("File “%(file)s” cannot be read: %(reason)s.")
                           % {"file": file, "reason": error.strerror}) from None
