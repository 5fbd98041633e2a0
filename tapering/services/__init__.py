"""Writes for the steps after the letter (docs/domain.md, steps 5-7), one module per
concern: ``callbacks`` (phone notes, call-backs, reminders and the daily e-mail),
``consultations`` (planning and recording consults and monitoring contacts),
``schedules`` (tapering schedules, their versions and monitoring contacts),
``questionnaires`` (answer sets and the BWSQ hold decision), ``relapse`` (the
relapse-prevention plan and its versions) and ``relatives`` (relatives involved and
hand-outs given). Each write takes the acting user and writes its audit entries. The
names other modules use are importable from here."""

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
from .consultations import (
    ConsultError,
    Outcome,
    ask_again_problem,
    booking_problem,
    consultation_cancel,
    consultation_no_show,
    consultation_plan,
    consultation_rebook,
    consultation_record,
    consultation_record_contact,
    contact_time_problem,
    kinds_for,
    next_steps_for,
)
from .questionnaires import bwsq_hold_decide, questionnaire_record, step_on
from .relapse import (
    RelapsePlanRefused,
    RelapsePlanStale,
    relapse_plan_review,
    relapse_plan_save,
)
from .relatives import (
    RelativeError,
    hand_out_add,
    hand_out_remove,
    relative_add,
    relative_remove,
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
    "ConsultError", "Outcome", "RelapsePlanRefused", "RelapsePlanStale", "RelativeError",
    "ScheduleRefused", "ScheduleStale", "ask_again_problem", "attempt_counts",
    "attempts_counted", "booking_problem", "bwsq_hold_decide", "call_attempt_log",
    "call_due_from", "choice_of", "consultation_cancel", "consultation_no_show",
    "consultation_plan", "consultation_rebook", "consultation_record",
    "consultation_record_contact", "contact_time_problem", "digest_send", "due_item_done",
    "hand_out_add", "hand_out_remove", "kinds_for", "monitoring_contact_done", "next_steps_for",
    "not_due_message", "phone_note_create", "questionnaire_record", "relapse_plan_review",
    "relapse_plan_save", "relative_add", "relative_remove", "reserve_replace", "step_on",
    "taper_schedule_back", "taper_schedule_change", "taper_schedule_confirm",
    "taper_schedule_hold", "taper_schedule_make", "taper_schedule_repeat",
]
