"""The open work the start page ("Mijn taken") shows each role, gathered from every app."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from letters.models import LetterKind, LetterRun
from letters.selectors import run_candidates
from patients.models import Participation, Practice, Project, Role

S = Participation.Status


@dataclass(frozen=True)
class Work:
    text: str
    project: Project
    url: str


def open_work(*, practice: Practice, role: str) -> list[Work]:
    """Patients to screen (GP, POH-GGZ), lists to fill (POH-GGZ), letters to print and
    print runs to mark as mailed (assistant, POH-GGZ), per open project."""
    projects = (Project.objects.filter(practice=practice).exclude(status=Project.Status.CLOSED)
                .annotate(to_screen=Count("participations",
                                          filter=Q(participations__status=S.TO_SCREEN)),
                          approved=Count("participations",
                                         filter=Q(participations__status=S.APPROVED)))
                .order_by("planned_start", "name"))
    work = []
    for project in projects:
        uuid = {"project_uuid": project.uuid}
        if role in (Role.HUISARTS, Role.POH_GGZ) and project.to_screen:
            work.append(Work(ngettext("%(n)s patient to screen", "%(n)s patients to screen",
                                      project.to_screen) % {"n": project.to_screen},
                             project, reverse("patients:screening", kwargs=uuid)))
        if role == Role.POH_GGZ and project.approved:
            work.append(Work(ngettext("%(n)s approached patient to put on a list",
                                      "%(n)s approached patients to put on a list",
                                      project.approved) % {"n": project.approved},
                             project, reverse("patients:project-lists", kwargs=uuid)))
        if role not in (Role.ASSISTENT, Role.POH_GGZ):
            continue
        mailing = reverse("letters:mailing", kwargs=uuid)
        letters = run_candidates(project=project).count()
        if letters:
            work.append(Work(ngettext("%(n)s stop letter to print", "%(n)s stop letters to print",
                                      letters) % {"n": letters}, project, mailing))
        invitations = run_candidates(project=project, kind=LetterKind.INVITATION).count()
        if invitations:
            work.append(Work(ngettext("%(n)s consult invitation to print",
                                      "%(n)s consult invitations to print", invitations)
                             % {"n": invitations}, project, mailing))
        for run in project.letter_runs.filter(status=LetterRun.Status.READY):
            work.append(Work(_("Print run of %(date)s: mark as mailed once posted")
                             % {"date": f"{run.created_at:%d-%m-%Y}"}, project,
                             reverse("letters:run-detail", kwargs={"run_uuid": run.uuid})))
    return work
