"""Writes for the steps after the letter (docs/domain.md, steps 5-7), one module per
concern: ``callbacks`` (phone notes, call-backs, reminders and the daily e-mail) and
``schedules`` (tapering schedules, their versions and monitoring contacts).
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
from .schedules import (
    MAKE_FROM,
    ScheduleRefused,
    ScheduleStale,
    choice_of,
    monitoring_contact_done,
    taper_schedule_back,
    taper_schedule_change,
    taper_schedule_confirm,
    taper_schedule_hold,
    taper_schedule_make,
    taper_schedule_repeat,
)

__all__ = [
    "AFTER_LETTER", "MAKE_FROM", "NEXT_FOR_RESPONSE", "WAITING", "WAIT_KINDS", "CallError",
    "ScheduleRefused", "ScheduleStale", "attempt_counts", "attempts_counted",
    "call_attempt_log", "call_due_from", "choice_of", "digest_send", "due_item_done",
    "monitoring_contact_done", "not_due_message", "phone_note_create", "reserve_replace",
    "taper_schedule_back", "taper_schedule_change", "taper_schedule_confirm",
    "taper_schedule_hold", "taper_schedule_make", "taper_schedule_repeat",
]
