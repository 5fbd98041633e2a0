"""What the letter services share: the refusal they raise, rendering a list of letters
into HTML fragments, and removing stored files once the change is committed."""

import logging
from collections.abc import Iterable

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from ..render import LetterData, LetterText, letter_render

logger = logging.getLogger(__name__)


class LettersRefused(Exception):
    """A letter action that cannot be done now; ``message`` says why, in the active
    language."""

    def __init__(self, message: str):
        message = str(message)  # translated now, in the language active
        self.message = message
        super().__init__(message)


def fragments(kind: str, letter_text: LetterText, data: list[LetterData], *,
              multipage: bool = False, offset: int = 0) -> list[str]:
    """One HTML fragment per letter, anchored ``letter-<n>`` from ``offset`` on."""
    return [letter_render(kind=kind, letter_text=letter_text, data=d, anchor=f"letter-{i}",
                          multipage=multipage) for i, d in enumerate(data, start=offset)]


def files_delete_on_commit(files: Iterable[FieldFile]) -> None:
    """Remove these stored files once the surrounding transaction commits.

    A file removed at once is lost when the transaction rolls back after all,
    while its row still names it; removed after the commit, a rollback keeps both.
    The fields themselves are left as they are: the caller clears them.
    """
    stored: list[tuple[Storage, str]] = [(f.storage, f.name) for f in files if f and f.name]
    if not stored:
        return

    def delete() -> None:
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:  # the change is committed; an orphaned file only takes space
                logger.exception("could not remove %s", name)

    transaction.on_commit(delete)
