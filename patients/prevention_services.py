"""Writes for prevention: the agreement with a new starter, the review done or moved,
and the sweep that reminds the GP on the agreed date (docs/domain.md#new-starters).

The agreement row is the queue of its reminder (docs/architecture.md#due-items): the
sweep claims a row with ``SELECT ... FOR UPDATE SKIP LOCKED`` whose date has come and
that was not reminded yet, e-mails the GP and sets ``reminded_at`` in one transaction. A
second sweep finds nothing; a mail that fails rolls the row back for the next sweep.
"""

import logging
from dataclasses import dataclass
from datetime import date
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benzoproject.formats import format_date

from .audit import audit_log
from .models import AuditEvent, Patient, Practice, StarterAgreement

logger = logging.getLogger(__name__)

# The fields a GP fills in (patients/prevention_forms.py gives them).
AGREEMENT_FIELDS = ("duration_weeks", "duration_text", "end_kind", "end_on",
                    "offered_sleep_hygiene", "offered_cbti", "offered_poh_consult",
                    "offered_other", "note")


class AgreementRefused(Exception):
    """The change cannot be made (a Dutch sentence says why)."""


@transaction.atomic
def starter_agreement_save(*, user, practice: Practice, patient: Patient, started_on: date,
                           data: dict[str, Any],
                           agreement: StarterAgreement | None = None) -> StarterAgreement:
    """Record the agreement about the start on ``started_on``, or change ``agreement``.

    A changed stop or review date opens the reminder again (a new date to remind of)."""
    if data["end_on"] <= started_on:
        raise AgreementRefused(_("The stop or review date must be after the first "
                                 "prescription (%(day)s).") % {"day": format_date(started_on)})
    if agreement is None:
        try:
            with transaction.atomic():
                agreement = StarterAgreement.objects.create(
                    practice=practice, patient=patient, started_on=started_on, gp=user,
                    **{f: data[f] for f in AGREEMENT_FIELDS})
        except IntegrityError:  # another GP recorded it a moment ago (one per start)
            raise AgreementRefused(_("An agreement about this start was recorded a moment "
                                     "ago; it is shown now. Change it if needed.")) from None
        audit_log(user=user, action=AuditEvent.Action.CREATE, obj=agreement,
                  detail=f"agreement with new starter, {agreement.end_kind} {agreement.end_on}")
        return agreement
    agreement = StarterAgreement.objects.select_for_update().get(pk=agreement.pk)
    changed = [f for f in AGREEMENT_FIELDS if getattr(agreement, f) != data[f]]
    if not changed:
        return agreement
    if "end_on" in changed:
        agreement.reminded_at = agreement.review_done_at = None
        agreement.review_done_by = None
    for f in changed:
        setattr(agreement, f, data[f])
    agreement.changed_at, agreement.changed_by = timezone.now(), user
    agreement.save()
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=agreement,
              detail=f"agreement changed: {', '.join(changed)}")
    return agreement


@transaction.atomic
def starter_review_done(*, user, agreement: StarterAgreement) -> bool:
    """The GP reviewed the agreement; a second click changes nothing."""
    done = StarterAgreement.objects.filter(pk=agreement.pk, review_done_at__isnull=True).update(
        review_done_at=timezone.now(), review_done_by=user)
    if done:
        audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=agreement,
                  detail=f"review done ({agreement.end_kind} {agreement.end_on})")
    return bool(done)


@transaction.atomic
def starter_review_move(*, user, agreement: StarterAgreement, end_on: date) -> None:
    """A new stop or review date (after the review, say): the reminder opens again."""
    agreement = StarterAgreement.objects.select_for_update().get(pk=agreement.pk)
    if end_on <= agreement.started_on:
        raise AgreementRefused(_("The stop or review date must be after the first "
                                 "prescription (%(day)s).")
                               % {"day": format_date(agreement.started_on)})
    old = agreement.end_on
    agreement.end_on = end_on
    agreement.reminded_at = agreement.review_done_at = None
    agreement.review_done_by = None
    agreement.changed_at, agreement.changed_by = timezone.now(), user
    agreement.save()
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=agreement,
              detail=f"new {agreement.end_kind} date {end_on} (was {old})")


@dataclass(frozen=True)
class Reminded:
    agreement_id: int
    end_on: date
    mailed: bool  # False: the GP has no e-mail address (the start page still shows it)


def _claim(today: date) -> StarterAgreement | None:
    return (StarterAgreement.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("gp", "practice")
            .filter(end_on__lte=today, reminded_at__isnull=True, review_done_at__isnull=True)
            .order_by("end_on", "id").first())


def _mail(agreement: StarterAgreement) -> bool:
    """The reminder e-mail. It names no patient (e-mail is not a safe channel): the app
    shows who it is about."""
    gp = agreement.gp
    if not gp.email:
        return False
    what = (_("an agreed stop date") if agreement.end_kind == StarterAgreement.End.STOP
            else _("an agreed review date"))
    body = "\n".join([
        _("Good morning %(name)s,") % {"name": gp.get_full_name() or gp.username}, "",
        _("An agreement you made with a patient who started a benzodiazepine has reached "
          "%(what)s (%(day)s) in %(practice)s.") % {
            "what": what, "day": format_date(agreement.end_on),
            "practice": agreement.practice.name}, "",
        _("Open the new starters in the app to review it: %(url)s") % {
            "url": settings.SITE_URL}])
    send_mail(_("Benzoreductie: an agreement with a new starter is due"), body,
              settings.DEFAULT_FROM_EMAIL, [gp.email])
    return True


def starter_reviews_sweep(*, today: date, limit: int | None = None) -> list[Reminded]:
    """Remind the GP of every agreement whose date has come (each in its own transaction).

    Part of the sweep of timed steps (``patients.tasks.sweep_due_steps``, the command
    ``run_due_steps``). A mail error leaves the row for the next sweep and stops this one.
    """
    done: list[Reminded] = []
    with translation.override(settings.LANGUAGE_CODE):
        while limit is None or len(done) < limit:
            try:
                with transaction.atomic():
                    agreement = _claim(today)
                    if agreement is None:
                        break
                    mailed = _mail(agreement)
                    agreement.reminded_at = timezone.now()
                    agreement.save(update_fields=["reminded_at"])
            except (SMTPException, OSError):
                logger.exception("reminder of a new starter's agreement not sent")
                break
            done.append(Reminded(agreement.pk, agreement.end_on, mailed))
    return done
