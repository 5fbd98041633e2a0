"""Writes for the steps after the letter (docs/domain.md, steps 5-7), one module per
concern: ``callbacks`` (phone notes, call-backs, reminders and the daily e-mail).
Each write takes the acting user and writes its audit entries. The names other
modules use are importable from here."""

from .callbacks import (
    AFTER_LETTER,
    NEXT_FOR_RESPONSE,
    WAIT_KINDS,
    WAITING,
    CallError,
    attempt_counts,
    attempts_counted,
    call_attempt_log,
    call_due_from,
    digest_send,
    due_item_done,
    not_due_message,
    phone_note_create,
    reserve_replace,
)

__all__ = [
    "AFTER_LETTER", "NEXT_FOR_RESPONSE", "WAITING", "WAIT_KINDS", "CallError", "attempt_counts",
    "attempts_counted", "call_attempt_log", "call_due_from", "digest_send", "due_item_done",
    "not_due_message", "phone_note_create", "reserve_replace",
]
