"""What ``letters`` puts on the start page: stop letters, consult invitations and letters
to send again to print, and print runs to mark as mailed once posted (registered in
``apps.py``)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.formats import format_date
from benzoproject.startpage import StartItems, WorkItem, startpage_source
from patients.models import Practice, Project, Role

from .models import LetterKind, LetterRun
from .selectors import run_candidates


@startpage_source("letters.mailing", order=45, roles=(Role.ASSISTENT, Role.POH_GGZ))
def mailing_work(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """Per open project: letters waiting for a print run, and runs printed but not posted."""
    work = []
    for project in Project.objects.filter(practice=practice).exclude(
            status=Project.Status.CLOSED):
        mailing = reverse("letters:mailing", kwargs={"project_uuid": project.uuid})
        letters = run_candidates(project=project).count()
        if letters:
            work.append(WorkItem(
                ngettext("%(n)s stop letter to print", "%(n)s stop letters to print",
                         letters) % {"n": letters}, mailing, project))
        invitations = run_candidates(project=project, kind=LetterKind.INVITATION).count()
        if invitations:
            work.append(WorkItem(
                ngettext("%(n)s consult invitation to print",
                         "%(n)s consult invitations to print", invitations)
                % {"n": invitations}, mailing, project))
        resends = run_candidates(project=project, kind=LetterKind.RESEND).count()
        if resends:  # docs/domain.md, step 4: a re-send goes with the next print run
            work.append(WorkItem(
                ngettext("%(n)s letter to send again", "%(n)s letters to send again",
                         resends) % {"n": resends}, mailing, project))
        for run in project.letter_runs.filter(status=LetterRun.Status.READY):
            work.append(WorkItem(
                _("Print run of %(date)s: mark as mailed once posted")
                % {"date": format_date(timezone.localdate(run.created_at))},
                reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}), project))
    return StartItems(work=tuple(work))
