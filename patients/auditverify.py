"""Verifying the access log's hash chain, and the daily check that alerts the beheerder.

``audit_chain_verify`` walks every event in id order, streaming (one chunk in memory), and
checks for each: that its hash matches its content and the patients it showed (else it
was changed), that it links to the event before it (else an event before it was removed,
or it was inserted out of the chain), and that it still has the hash a checkpoint recorded
for it (else the chain was rewritten from some point on). A checkpoint whose event is gone
means events were removed — also the newest, which no later link covers. Each event is
checked against its own stored links, so the walk goes on after a break and reports every
one (up to ``MAX_BREAKS``), the first first.

``audit_chain_check`` is the daily run (Celery beat, ``patients.tasks``): an intact chain
gets a checkpoint; a break not reported before becomes an :class:`AuditChainAlert`, sent
by e-mail to every beheerder and superuser and shown on the beheerder's start page until
acknowledged. See docs/security.md for what this proves and what it does not.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import audit_log
from .auditchain import COLUMNS, GENESIS, Entry, entry_hash, with_shown
from .models import AuditChainAlert, AuditCheckpoint, AuditEvent, AuditEventPatient, Role

logger = logging.getLogger(__name__)

CHUNK = 2000
MAX_BREAKS = 20


@dataclass(frozen=True)
class Break:
    event_id: int
    problem: str  # a Dutch sentence: what is wrong with this event


@dataclass
class ChainReport:
    events: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def _changed() -> str:
    return _("its content or the patients it showed no longer match its hash: it was changed")


def _unlinked() -> str:
    return _("it does not link to the entry before it: an entry before it was removed or "
             "changed, or this one was added outside the chain")


def _rewritten() -> str:
    return _("its hash differs from the one a checkpoint recorded: the log was rewritten "
             "from here or before")


def _missing() -> str:
    return _("this entry, recorded by a checkpoint, is missing: entries were removed")


def audit_chain_verify(*, chunk_size: int = CHUNK) -> ChainReport:
    """Walk the whole chain and report every break found (see the module's docstring)."""
    checkpoints = sorted(AuditCheckpoint.objects.values_list("last_event_id", "hash"))
    rows = (AuditEvent.objects.order_by("id").values_list("id", "prev_hash", "hash", *COLUMNS)
            .iterator(chunk_size=chunk_size))
    shown = (AuditEventPatient.objects.order_by("event_id", "patient_id")
             .values_list("event_id", "patient_id").iterator(chunk_size=chunk_size * 5))
    report = ChainReport()
    prev, next_checkpoint = GENESIS, 0
    for (pk, prev_hash, stored, *content), ids in with_shown(rows, shown):
        report.events += 1
        # Checkpoints of events that the walk has passed without meeting: removed.
        while next_checkpoint < len(checkpoints) and checkpoints[next_checkpoint][0] < pk:
            report.breaks.append(Break(checkpoints[next_checkpoint][0], _missing()))
            next_checkpoint += 1
        if entry_hash(Entry(*content), ids, prev_hash) != stored:
            report.breaks.append(Break(pk, _changed()))
        elif prev_hash != prev:
            report.breaks.append(Break(pk, _unlinked()))
        while next_checkpoint < len(checkpoints) and checkpoints[next_checkpoint][0] == pk:
            if checkpoints[next_checkpoint][1] != stored:
                report.breaks.append(Break(pk, _rewritten()))
            next_checkpoint += 1
        prev, report.head_id, report.head_hash = stored, pk, stored
        if len(report.breaks) >= MAX_BREAKS:
            break
    else:
        report.breaks += [Break(pk, _missing()) for pk, _hash in checkpoints[next_checkpoint:]]
    del report.breaks[MAX_BREAKS:]
    return report


def audit_chain_check() -> ChainReport:
    """The daily check: a checkpoint when intact, an alert and e-mail for each new break."""
    with translation.override(settings.LANGUAGE_CODE):
        report = audit_chain_verify()
        if report.intact:
            newest = AuditCheckpoint.objects.order_by("-last_event_id").first()
            if report.head_id is not None and (newest is None
                                               or newest.last_event_id != report.head_id):
                AuditCheckpoint.objects.create(last_event_id=report.head_id,
                                               hash=report.head_hash, events=report.events)
            logger.info("Access log intact: %s entries, head %s %s", report.events,
                        report.head_id, report.head_hash)
            return report
        known = set(AuditChainAlert.objects.values_list("event_id", "problem"))
        new = [b for b in report.breaks if (b.event_id, b.problem) not in known]
        for item in new:
            AuditChainAlert.objects.create(event_id=item.event_id, problem=item.problem)
            logger.error("Access log broken at entry %s: %s", item.event_id, item.problem)
        if new:
            _mail_beheerders(report, new)
    return report


def beheerder_emails() -> list[str]:
    """The addresses of the active beheerders (a membership in that role) and superusers."""
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(memberships__role=Role.BEHEERDER), is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _mail_beheerders(report: ChainReport, new: list[Break]) -> None:
    lines = [_("The daily check of the access log found a break in its chain of hashes:"), ""]
    lines += [_("Entry %(id)s: %(problem)s.") % {"id": b.event_id, "problem": b.problem}
              for b in new]
    lines += ["", _("Entries checked: %(n)s. Newest entry: %(id)s, hash %(hash)s.") % {
        "n": report.events, "id": report.head_id, "hash": report.head_hash},
        _("Someone with direct access to the database may have changed the log. Find out who "
          "and why, and acknowledge the alert on your start page. "
          "See %(url)s") % {"url": settings.SITE_URL}]
    send_mail(_("Benzoreductie: the access log has been tampered with"), "\n".join(lines),
              None, beheerder_emails())


def open_alerts() -> list[AuditChainAlert]:
    """Alerts of the chain no beheerder has acknowledged yet, newest first."""
    return list(AuditChainAlert.objects.filter(acknowledged_at__isnull=True))


def audit_chain_alerts_acknowledge(*, user, practice, up_to: int) -> int:
    """Mark the open alerts up to id ``up_to`` (the newest the page showed, so one found
    since is not acknowledged unseen) as acknowledged by ``user``; audit-logged. Returns
    how many."""
    with transaction.atomic():
        ids = list(AuditChainAlert.objects.select_for_update()
                   .filter(acknowledged_at__isnull=True, pk__lte=up_to)
                   .values_list("pk", flat=True))
        AuditChainAlert.objects.filter(pk__in=ids).update(acknowledged_at=timezone.now(),
                                                          acknowledged_by=user)
        if ids:
            audit_log(user=user, action=AuditEvent.Action.CHANGE, practice=practice,
                      object_type="auditchainalert",
                      detail=f"acknowledged {', '.join(map(str, ids))}")
    return len(ids)
