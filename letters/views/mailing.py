"""The assistant's mailing screen: mailing list → print run → download → mailed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import (
    LETTER_SENDERS,
    LETTER_TEXT_EDITORS,
    LETTER_VIEWERS,
    audit_shown,
    get_project_for_user,
    practice_view,
)
from benzoproject.exports import file_stamp
from benzoproject.progress import progress_bar, progress_now

from .. import selectors, services
from ..access import get_letter_run_for_user
from ..forms import MarkMailedForm, RunCreateForm
from ..models import LetterKind, LetterRun
from ..tasks import progress_key
from . import pdf_download


@practice_view(roles=LETTER_VIEWERS)
def index(request):
    projects = selectors.projects_with_letters(practice=request.practice)
    return render(request, "letters/index.html", {
        "projects": projects,
        "can_edit_texts": request.membership.role in LETTER_TEXT_EDITORS,
    })


@practice_view(roles=LETTER_VIEWERS)
def mailing(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    rows = selectors.mailing_rows(project=project)
    resend_requests = list(selectors.resend_requests_open(project=project))
    audit_shown(request, [row.participation.patient_id for row in rows]
                + [r.participation.patient_id for r in resend_requests])
    return render(request, "letters/mailing.html", {
        "project": project,
        "rows": rows,
        "stop_waiting": selectors.run_candidates(project=project).count(),
        "invitations_waiting": selectors.run_candidates(
            project=project, kind=LetterKind.INVITATION).count(),
        "resends_waiting": selectors.run_candidates(
            project=project, kind=LetterKind.RESEND).count(),
        "resend_requests": resend_requests,
        "runs": selectors.runs_for_project(project=project),
        "has_gp": bool(selectors.project_gps(project)),
        "can_send": request.membership.role in LETTER_SENDERS,
    })


@practice_view(roles=LETTER_SENDERS)
@require_POST
def run_create(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    form = RunCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which letters to print."))
        return redirect("letters:mailing", project_uuid=project.uuid)
    try:
        run = services.letter_run_create(project=project, user=request.user,
                                         kind=form.cleaned_data["kind"])
    except services.LettersRefused as refused:
        messages.error(request, refused.message)
        return redirect("letters:mailing", project_uuid=project.uuid)
    try:
        services.letter_run_start(run=run)
    except Exception:  # recorded on the run; its page says so
        messages.error(request, _("The letters could not be made."))
        return redirect("letters:run-detail", run_uuid=run.uuid)
    _warn_when_not_sent(request, run)
    return redirect("letters:run-detail", run_uuid=run.uuid)


def _warn_when_not_sent(request, run: LetterRun) -> None:
    run.refresh_from_db()
    if run.status == LetterRun.Status.QUEUED and run.queued_at is None:
        messages.warning(request, _(
            "The background worker cannot be reached at the moment. The print run is kept "
            "and waits: its letters are made as soon as the worker is back, or press ‘Start "
            "again’ in a few minutes."))


@practice_view(roles=LETTER_SENDERS)
@require_POST
def run_restart(request, run_uuid):
    """Send a waiting run to the worker again (after the broker was unreachable)."""
    run = get_letter_run_for_user(request, run_uuid)
    if run.status == LetterRun.Status.QUEUED:
        services.letter_run_start(run=run)
        _warn_when_not_sent(request, run)
    return redirect("letters:run-detail", run_uuid=run.uuid)


@practice_view(roles=LETTER_VIEWERS)
def run_detail(request, run_uuid):
    run = get_letter_run_for_user(request, run_uuid)
    letters = list(selectors.run_letters(run=run))
    audit_shown(request, [letter.participation.patient_id for letter in letters])
    return render(request, "letters/run_detail.html", {
        "run": run,
        "letters": letters,
        "waiting": run.status in (LetterRun.Status.QUEUED, LetterRun.Status.RENDERING),
        "may_cancel": services.run_may_cancel(run),
        "stuck": services.run_is_stuck(run),
        "stuck_from": services.run_stuck_from(run),
        "progress": progress_now(progress_key(run.pk), run.progress),
        "form": MarkMailedForm(),
        "can_send": request.membership.role in LETTER_SENDERS,
    })


@practice_view(roles=LETTER_VIEWERS)
def run_progress(request, run_uuid):
    """The progress bar, polled by htmx; a finished run reloads the page."""
    run = get_letter_run_for_user(request, run_uuid)
    return progress_bar(
        request, running=run.status in (LetterRun.Status.QUEUED, LetterRun.Status.RENDERING),
        template="letters/_run_progress.html",
        context={"run": run, "progress": progress_now(progress_key(run.pk), run.progress),
                 "stuck": services.run_is_stuck(run),
                 "stuck_from": services.run_stuck_from(run),
                 "can_send": request.membership.role in LETTER_SENDERS})


@practice_view(roles=LETTER_VIEWERS)
def run_pdf(request, run_uuid):
    run = get_letter_run_for_user(request, run_uuid)
    return pdf_download(request, run.merged_pdf, obj=run,
                        patients=selectors.run_patient_ids(run=run),
                        filename=f"brieven-{file_stamp(run.created_at)}.pdf",
                        detail=f"merged PDF of {run.letter_count} letters")


@practice_view(roles=LETTER_VIEWERS)
def run_labels(request, run_uuid):
    run = get_letter_run_for_user(request, run_uuid)
    return pdf_download(request, run.labels_pdf, obj=run,
                        patients=selectors.run_patient_ids(run=run),
                        filename=f"etiketten-{file_stamp(run.created_at)}.pdf",
                        detail=f"address labels of {run.letter_count} letters")


@practice_view(roles=LETTER_SENDERS)
@require_POST
def run_mark_mailed(request, run_uuid):
    run = get_letter_run_for_user(request, run_uuid)
    form = MarkMailedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("letters:run-detail", run_uuid=run.uuid)
    try:
        started = services.letter_run_mark_mailed(run=run, user=request.user,
                                                  mailed_on=form.cleaned_data["mailed_on"],
                                                  minutes=form.cleaned_data["minutes"])
    except services.LettersRefused as refused:
        messages.error(request, refused.message)
    else:
        if started is None:
            messages.info(request, _("This print run was already marked as mailed; nothing "
                                     "changed."))
        else:
            messages.success(request, _("Marked as mailed on %(date)s.") % {
                "date": date_format(form.cleaned_data["mailed_on"])})
    return redirect("letters:run-detail", run_uuid=run.uuid)


@practice_view(roles=LETTER_SENDERS)
@require_POST
def run_cancel(request, run_uuid):
    run = get_letter_run_for_user(request, run_uuid)
    if services.letter_run_cancel(run=run, user=request.user):
        messages.info(request, _("The print run was cancelled. Its patients are in the next "
                                 "print run."))
    else:
        messages.error(request, _("This print run cannot be cancelled now."))
    return redirect("letters:mailing", project_uuid=run.project.uuid)
