"""Print runs: a project's letters made together, downloaded, mailed or cancelled
(docs/domain.md, step 4)."""

import logging
from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benzoproject.background import (
    MAX_ATTEMPTS,
    WorkerUnreachable,
    claim_is_stale,
    job_claim,
    jobs_to_send,
    send_task,
    stale_claim_before,
)
from benzoproject.formats import format_date
from patients.audit import audit_log, audit_log_many
from patients.models import AuditEvent, Participation, PlanMilestone, Practice, Project
from patients.selectors import gp_user_ids
from patients.services import participation_letter_mailed, plan_milestone_reached
from patients.workflow import participation_note

from .. import pdf, text
from ..models import Letter, LetterKind, LetterRun, ResendRequest
from ..render import Label, document_html, labels_html
from ..selectors import (
    RUN_KINDS,
    letter_data_for,
    letter_text_for,
    print_problem,
    project_gps,
    run_candidates,
    signer_for,
    signer_name,
)
from .resend import resend_fragments, resend_letters_mailed, resend_multipage, resend_texts
from .shared import LettersRefused, files_delete_on_commit, fragments

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]
S = Participation.Status
RENDER_TASK = "letters.tasks.render_letter_run"  # the name letters/tasks.py registers


def run_sync_max() -> int:
    """Runs up to this many letters render in the request; larger ones in the worker."""
    return getattr(settings, "LETTER_RUN_SYNC_MAX", 25)


def run_is_stuck(run: LetterRun) -> bool:
    """Being made under a claim older than the task time limit: its worker is gone, so
    the run is started again by beat and may be cancelled."""
    return run.status == LetterRun.Status.RENDERING and claim_is_stale(run.claimed_at)


def run_stuck_from(run: LetterRun) -> datetime | None:
    """When a run being made counts as stuck if it has not finished by then."""
    if run.status != LetterRun.Status.RENDERING or run.claimed_at is None:
        return None
    return run.claimed_at + (timezone.now() - stale_claim_before())


@transaction.atomic
def letter_run_create(*, project: Project, user, kind: str = LetterKind.STOP,
                      today: date | None = None) -> LetterRun:
    """A print run of every participation on the list for ``kind`` that has no letter yet.

    The letters are rendered afterwards (:func:`letter_run_start`). Raises
    LettersRefused when there is nothing to print or no GP to sign.
    """
    if kind not in RUN_KINDS:
        raise LettersRefused(_("There is no print run for this kind of letter."))
    project = Project.objects.select_for_update().select_related("practice", "lead").get(
        pk=project.pk)  # two clicks at once make one run
    problem = print_problem(project.practice)
    if problem:
        raise LettersRefused(problem)
    gps = project_gps(project)
    if not gps:
        raise LettersRefused(_("This project has no GP yet to sign the letters. Add a GP to "
                               "the project."))
    text.check_placeholders(*_template_parts(project.practice, kind))
    participations = list(run_candidates(project=project, kind=kind))
    if not participations:
        raise LettersRefused(_("There are no patients left who are to get a letter."))
    today = today or timezone.localdate()
    run = LetterRun.objects.create(project=project, kind=kind, letter_date=today,
                                   letter_count=len(participations), created_by=user)
    requests = ({r.participation_id: r for r in ResendRequest.objects.filter(
        participation__in=participations, mailed_on__isnull=True)}
        if kind == LetterKind.RESEND else {})
    confirmed = gp_user_ids(practice_id=project.practice_id)
    letters = Letter.objects.bulk_create(
        Letter(participation=p, kind=kind, run=run, position=i, created_by=user,
               signer_name=signer_name(signer_for(p.patient, gps, confirmed)),
               resend_reason=requests[p.pk].reason if requests else "")
        for i, p in enumerate(participations))
    for letter in letters if requests else ():
        # The request is in this run now; cancelling the run puts it back in the queue.
        ResendRequest.objects.filter(pk=requests[letter.participation_id].pk).update(
            letter=letter)
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=run, practice=project.practice,
              detail=f"print run of {len(participations)} {kind} letters")
    # One audit event per letter, naming its patient (NEN 7513).
    audit_log_many(user=user, action=AuditEvent.Action.CREATE, practice=project.practice,
                   objs=letters, detail=f"{kind} letter in print run {run.uuid}")
    return run


def _template_parts(practice: Practice, kind: str) -> tuple[str, ...]:
    if kind == LetterKind.RESEND:  # the cover letter and the stop letter
        return tuple(part for t in resend_texts(practice) for part in (t.subject, t.body))
    letter_text = letter_text_for(practice=practice, kind=kind)
    return letter_text.subject, letter_text.body


def letter_run_start(*, run: LetterRun) -> bool:
    """Render a small run now; send a large one to the worker (after the commit).
    Returns True when it was rendered now.

    When the broker cannot be reached the run stays queued without ``queued_at``: its
    page says so and offers to start it again, and beat sends it once the broker is
    back. A queued run is sent again (the user's "start again"; the claim keeps a second
    message harmless).
    """
    if run.letter_count <= run_sync_max():
        claim = letter_run_claim(run_id=run.pk)
        if claim:
            letter_run_render(run_id=run.pk, claim=claim)
        return True
    if run.status == LetterRun.Status.QUEUED:
        transaction.on_commit(lambda: letter_run_send(run.pk))
    return False


def letter_run_send(run_id: int) -> bool:
    """Send the render task for a run; False when the broker cannot be reached.

    The task is looked up by name in Celery's registry: the task module calls these
    services, so importing it here would make a cycle."""
    try:
        send_task(RENDER_TASK, run_id)
    except WorkerUnreachable:
        return False
    LetterRun.objects.filter(pk=run_id, status=LetterRun.Status.QUEUED).update(
        queued_at=timezone.now())
    return True


def letter_runs_to_send() -> list[int]:
    """Runs whose task must be sent (again): waiting without a message in the broker
    (never sent, or sent long ago) or being made under a stale claim."""
    return jobs_to_send(LetterRun.objects.all(), queued=LetterRun.Status.QUEUED,
                        running=LetterRun.Status.RENDERING)


def letter_run_claim(*, run_id: int, task_id: str = "") -> str:
    """Take a waiting run to render it: its claim, or '' when another process has it
    (or it is gone).

    A run being made is taken over only when its claim is stale (older than the task
    time limit: that worker is gone) or was made by this same task (Celery delivers a
    message again only after the process that had it was lost). A run started
    ``MAX_ATTEMPTS`` times that never finished is marked failed instead.
    """
    return job_claim(
        LetterRun.objects.filter(pk=run_id), task_id=task_id, progress=1,
        waiting=(LetterRun.Status.QUEUED,), running=LetterRun.Status.RENDERING,
        failed=LetterRun.Status.FAILED, gave_up=_(
            "Making the letters was interrupted %(count)d times and has been stopped. "
            "Cancel this print run and make a new one.") % {"count": MAX_ATTEMPTS})


class ClaimLost(Exception):
    """Another process took the run over (or it was cancelled); this one stores nothing."""


def letter_run_render(*, run_id: int, progress: Progress | None = None,
                      claim: str = "") -> LetterRun:
    """Make a claimed run's PDFs: one per letter, the merged one and the address labels.

    The files have fixed names, so a run made again after a crash replaces what the
    interrupted one wrote. The rows are written in one transaction that checks the claim
    (``claim`` given) under a row lock: a run taken over or cancelled meanwhile keeps
    what the other process made. A failure is recorded on the run (status failed, with
    a message) and the files written so far are removed.
    """
    run = LetterRun.objects.select_related("project__practice", "project__lead").get(pk=run_id)
    mine = LetterRun.objects.filter(pk=run_id, status=LetterRun.Status.RENDERING)
    if claim:
        mine = mine.filter(claim=claim)
    if not mine.exists():  # cancelled or taken over before this process began
        return run
    letters = list(run.letters.select_related("participation__patient", "participation__project")
                   .order_by("position"))
    written: list = []
    try:
        result = _render_run(run, letters, progress=progress, written=written, mine=mine)
    except ClaimLost:
        run.refresh_from_db()
        if run.status in (LetterRun.Status.CANCELLED, LetterRun.Status.FAILED):
            for field in written:  # nobody else made these files: they are left over
                field.delete(save=False)
        return run
    except Exception as error:
        for field in written:
            field.delete(save=False)
        message = str(getattr(error, "message", "") or _("The letters could not be made."))
        mine.update(status=LetterRun.Status.FAILED, message=message[:300],
                    finished_at=timezone.now())
        logger.exception("print run %s failed", run.uuid)
        raise
    return result


def _save_over(field: FieldFile, name: str, content: bytes) -> None:
    """Store a file under its fixed name, replacing one an interrupted run left there."""
    field.storage.delete(field.field.generate_filename(field.instance, name))
    field.save(name, ContentFile(content), save=False)


def _render_run(run: LetterRun, letters: list[Letter], *, progress: Progress | None,
                written: list, mine: QuerySet[LetterRun]) -> LetterRun:
    project, kind = run.project, run.kind
    practice = project.practice
    data = letter_data_for(project=project, participations=[x.participation for x in letters],
                           letter_date=run.letter_date)
    practice_values = data[0].practice
    if kind == LetterKind.RESEND:
        # Each patient's letter is two: the cover letter and the stop letter.
        texts = resend_texts(practice)
        parts, again = resend_fragments(texts, data), resend_multipage(texts, data)
    else:
        letter_text = letter_text_for(practice=practice, kind=kind)
        parts = fragments(kind, letter_text, data)

        def again(i: int) -> str:
            return fragments(kind, letter_text, [data[i]], multipage=True, offset=i)[0]

    rendered = pdf.render_letters(
        parts, document=lambda chunk: document_html(chunk, practice=practice_values),
        multipage=again, progress=progress)
    if kind == LetterKind.RESEND:  # pages per patient: their cover and stop letter together
        counts = rendered.page_counts
        rendered = pdf.RenderedRun(pdf=rendered.pdf, page_counts=[
            a + b for a, b in zip(counts[::2], counts[1::2], strict=True)])
    for letter, part, pages, d in zip(letters, rendered.letter_pdfs(), rendered.page_counts,
                                      data, strict=True):
        _save_over(letter.pdf, f"{letter.uuid}.pdf", part)
        written.append(letter.pdf)
        letter.page_count = pages
        letter.signer_name = d.signer_name
    if progress:
        progress(85)
    labels = pdf.html_to_pdf(labels_html([Label(d.address_lines) for d in data]))
    stamp = f"{run.created_at:%Y%m%d-%H%M}-{run.uuid.hex[:8]}"
    _save_over(run.merged_pdf, f"printrun-{stamp}.pdf", rendered.pdf)
    written.append(run.merged_pdf)
    _save_over(run.labels_pdf, f"etiketten-{stamp}.pdf", labels)
    written.append(run.labels_pdf)
    with transaction.atomic():
        if not list(mine.select_for_update().values_list("pk", flat=True)):
            raise ClaimLost
        Letter.objects.bulk_update(letters, ["pdf", "page_count", "signer_name"])
        run.status = LetterRun.Status.READY
        run.progress = 100
        run.page_count = sum(rendered.page_counts)
        run.finished_at = timezone.now()
        run.message = ""
        run.save(update_fields=["merged_pdf", "labels_pdf", "status", "progress", "page_count",
                                "finished_at", "message"])
    if progress:
        progress(100)
    return run


def stop_letters_pdf(*, project: Project, user=None) -> tuple[bytes, int]:
    """The merged PDF of the stop letters not yet mailed (the mailing list), rendered as a
    print run would, without storing a run or marking anything (``manage.py stopletters``).
    The export is audit-logged per patient."""
    project = Project.objects.select_related("practice", "lead").get(pk=project.pk)
    participations = list(Participation.objects.filter(project=project, status=S.MAILING)
                          .select_related("patient").order_by("rank", "patient__surname", "id"))
    if not participations:
        raise LettersRefused(_("No stop letters are waiting: nobody is on the mailing list."))
    if print_problem(project.practice):
        raise LettersRefused(print_problem(project.practice))
    if not project_gps(project):
        raise LettersRefused(_("This project has no GP yet to sign the letters."))
    letter_text = letter_text_for(practice=project.practice, kind=LetterKind.STOP)
    text.check_placeholders(letter_text.subject, letter_text.body)
    data = letter_data_for(project=project, participations=participations,
                           letter_date=timezone.localdate())
    rendered = pdf.render_letters(
        fragments(LetterKind.STOP, letter_text, data),
        document=lambda parts: document_html(parts, practice=data[0].practice),
        multipage=lambda i: fragments(LetterKind.STOP, letter_text, [data[i]],
                                      multipage=True, offset=i)[0])
    audit_log_many(user=user, action=AuditEvent.Action.EXPORT, practice=project.practice,
                   objs=participations, detail="stop letter in merged PDF (command line)")
    return rendered.pdf, len(participations)


def run_may_cancel(run: LetterRun) -> bool:
    """Not mailed and not being made, unless its worker is known to be gone (its claim
    is older than the task time limit: ``run_is_stuck``)."""
    return run.status in (LetterRun.Status.QUEUED, LetterRun.Status.READY,
                          LetterRun.Status.FAILED) or run_is_stuck(run)


@transaction.atomic
def letter_run_cancel(*, run: LetterRun, user) -> bool:
    """Throw away a run that was not mailed (a wrong text, a misprint): its letters go,
    so the patients are in the next run. False when it cannot be cancelled now.

    The PDFs are removed once this commits, so a rollback keeps rows and files."""
    run = LetterRun.objects.select_for_update().get(pk=run.pk)
    if not run_may_cancel(run):
        return False
    letters = list(run.letters.select_related("participation__patient"))
    files_delete_on_commit([x.pdf for x in letters] + [run.merged_pdf, run.labels_pdf])
    run.letters.all().delete()
    run.merged_pdf = run.labels_pdf = None
    run.status = LetterRun.Status.CANCELLED
    run.save(update_fields=["status", "merged_pdf", "labels_pdf"])
    audit_log(user=user, action=AuditEvent.Action.DELETE, obj=run,
              detail=f"print run cancelled, {len(letters)} letters removed")
    audit_log_many(user=user, action=AuditEvent.Action.DELETE, practice=run.project.practice,
                   objs=letters, detail=f"letter of cancelled print run {run.uuid}")
    return True


def mailed_on_problem(*, run: LetterRun, mailed_on: date, today: date) -> str:
    """Why ``mailed_on`` cannot be the run's mailing date ('' when it can)."""
    made = timezone.localtime(run.created_at).date()
    if mailed_on > today:
        return _("The mailing date is in the future. Mark the letters as ‘mailed’ once they "
                 "are really in the post.")
    if mailed_on < made:
        return _("The mailing date is before the day the letters were made (%(date)s).") % {
            "date": date_format(made, "j F Y")}
    return ""


@transaction.atomic
def letter_run_mark_mailed(*, run: LetterRun, user, mailed_on: date,
                           today: date | None = None, minutes: int | None = None) -> int | None:
    """The run's letters went to the post on ``mailed_on`` (docs/domain.md, step 4).

    Sets the date on the run and each letter and, for stop letters, calls
    ``participation_letter_mailed`` for every participation still on the mailing
    list: its letter date is set once and the wait period starts. For re-sends, the
    requests count as mailed and the wait period starts again from ``mailed_on``
    (``resend_letters_mailed``). Idempotent: a
    run already mailed changes nothing and returns None. Otherwise returns how
    many participations started their wait period.
    """
    run = LetterRun.objects.select_for_update().select_related("project").get(pk=run.pk)
    if run.mailed_on is not None:
        return None
    if run.status != LetterRun.Status.READY:
        raise LettersRefused(_("This print run is not ready to be mailed yet."))
    problem = mailed_on_problem(run=run, mailed_on=mailed_on, today=today or timezone.localdate())
    if problem:
        raise LettersRefused(problem)
    run.mailed_on, run.mailed_by, run.mailed_at = mailed_on, user, timezone.now()
    run.status, run.minutes = LetterRun.Status.MAILED, minutes
    run.save(update_fields=["mailed_on", "mailed_by", "mailed_at", "status", "minutes"])
    letters = list(run.letters.select_related("participation__project", "participation__patient")
                   .order_by("position"))
    run.letters.filter(mailed_on__isnull=True).update(mailed_on=mailed_on)
    started = 0
    if run.kind == LetterKind.RESEND:  # the requests count as mailed; the wait restarts
        started = resend_letters_mailed(letters=letters, user=user, mailed_on=mailed_on)
    for letter in letters if run.kind != LetterKind.RESEND else ():
        participation = letter.participation
        if run.kind == LetterKind.STOP:
            started += participation_letter_mailed(participation=participation, user=user,
                                                   mailed_on=mailed_on)
        else:
            participation_note(participation=participation, user=user,
                               what=_("consult invitation mailed on %(day)s")
                               % {"day": format_date(mailed_on)})
    if run.kind == LetterKind.STOP:  # the plan's "letters mailed" (docs/domain.md, step 1)
        plan_milestone_reached(project=run.project, milestone=PlanMilestone.MAILED, on=mailed_on)
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=run,
              detail=f"mailed on {mailed_on:%Y-%m-%d}: {len(letters)} letters, "
                     f"{started} wait periods started")
    audit_log_many(user=user, action=AuditEvent.Action.CHANGE, practice=run.project.practice,
                   objs=letters, detail=f"letter mailed on {mailed_on:%Y-%m-%d}")
    return started
