"""What ``tapering`` puts on the start page: today's consults, the call-backs due today, the
assistant's phone-note button, the user's reminders (monitoring contacts of a tapering schedule
among them) and, for a GP, the schedules whose switch to diazepam waits for a GP's
confirmation (registered in ``apps.py``)."""

from datetime import date

from benzoproject.startpage import NOTHING, Panel, StartItems, startpage_source
from patients.models import Practice, Role

from .consult_selectors import consult_day
from .selectors import (
    callbacks_due_count,
    reminders_for_user,
    schedules_awaiting_confirmation,
)


@startpage_source("tapering.consults", order=5, roles=(Role.POH_GGZ, Role.HUISARTS))
def consults_today(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """Today's consults, each opening the consult page (``#consulten-vandaag``); planned
    consults of earlier days never recorded ("nog vastleggen") and no-shows still to
    rebook, so nothing is forgotten. The POH-GGZ sees every consult of the practice, a GP
    the consults they hold."""
    day = consult_day(practice=practice, user=user, role=role, today=today)
    if not day:
        return NOTHING
    return StartItems(panel=Panel("tapering/_start_consults.html", {"day": day}),
                      patients=tuple(c.participation.patient_id for c in
                                     (*day.today, *day.to_record, *day.to_rebook)))


@startpage_source("tapering.callbacks", order=10, roles=(Role.POH_GGZ,))
def callbacks_due(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The alert that leads to the call-back list (``#terugbellen-taak``)."""
    count = callbacks_due_count(practice=practice, today=today)
    if not count:
        return NOTHING
    return StartItems(panel=Panel("tapering/_start_callbacks.html", {"count": count}))


@startpage_source("tapering.phone-note", order=20, roles=(Role.ASSISTENT,))
def phone_note_button(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The assistant's way to note an incoming call: an aid, not a task."""
    return StartItems(panel=Panel("tapering/_start_phone_note.html", task=False))


@startpage_source("tapering.reminders", order=60)
def reminders(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The user's open reminders due within a week, each with "Done" (``#herinneringen``)."""
    items = reminders_for_user(user=user, practice=practice, today=today)
    if not items:
        return NOTHING
    return StartItems(panel=Panel("tapering/_start_reminders.html", {"reminders": items}),
                      patients=tuple(item.participation.patient_id for item in items
                                     if item.participation is not None))


@startpage_source("tapering.schedules-to-confirm", order=15, roles=(Role.HUISARTS,))
def schedules_to_confirm(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """Tapering schedules whose switch to diazepam waits for a GP (``#schema-bevestigen``)."""
    schedules = schedules_awaiting_confirmation(practice=practice)
    if not schedules:
        return NOTHING
    return StartItems(panel=Panel("tapering/_start_schedules_to_confirm.html",
                                  {"schedules": schedules}),
                      patients=tuple(s.participation.patient_id for s in schedules))
