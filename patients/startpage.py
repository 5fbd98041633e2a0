"""What ``patients`` puts on the start page: patients to screen, approached patients to
put on a list, GP names from the exports to confirm, and the plan-of-approach steps that
are due, the GP's new starters (prevention), and for the project lead the changes of
access to the practice (registered in ``apps.py``)."""

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from benzoproject.access import PROJECT_VIEWERS
from benzoproject.startpage import NOTHING, Panel, StartItems, WorkItem, startpage_source

from .auditverify import open_alerts
from .groslijst_cache import cached_under_generation
from .links import link_suggestions
from .membership_log import SHOWN_DAYS, access_changes, sees_access_changes
from .models import PRIVACY_OFFICER_ROLES, Membership, Participation, Practice, Project, Role
from .prevention_selectors import NO_GP, gp_work
from .selectors import gp_names_unconfirmed_count, projects_for_practice, todos_for_user

S = Participation.Status


@startpage_source("patients.screening", order=40, roles=(Role.HUISARTS, Role.POH_GGZ))
def screening_work(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """Patients to screen (GP, POH-GGZ) and approached patients to put on a list (POH-GGZ)."""
    projects = (Project.objects.filter(practice=practice).exclude(status=Project.Status.CLOSED)
                .annotate(to_screen=Count("participations",
                                          filter=Q(participations__status=S.TO_SCREEN)),
                          approved=Count("participations",
                                         filter=Q(participations__status=S.APPROVED))))
    work = []
    for project in projects:
        uuid = {"project_uuid": project.uuid}
        if project.to_screen:
            work.append(WorkItem(
                ngettext("%(n)s patient to screen", "%(n)s patients to screen",
                         project.to_screen) % {"n": project.to_screen},
                reverse("patients:screening", kwargs=uuid), project))
        if role == Role.POH_GGZ and project.approved:
            work.append(WorkItem(
                ngettext("%(n)s approached patient to put on a list",
                         "%(n)s approached patients to put on a list",
                         project.approved) % {"n": project.approved},
                reverse("patients:project-lists", kwargs=uuid), project))
    return StartItems(work=tuple(work))


@startpage_source("patients.plan", order=70)
def plan_steps(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The open plan-of-approach steps of this role, up to this month (``#plan-taken``)."""
    todos = todos_for_user(practice=practice, role=role, today=today)
    if not todos:
        return NOTHING
    # The pharmacist and the monitor may not open project pages: their steps show without
    # a link, so no link on the start page leads to a refusal.
    return StartItems(panel=Panel("patients/_start_plan.html", {
        "todos": todos, "link": role in PROJECT_VIEWERS}))


@startpage_source("patients.projects", order=10, roles=(Role.POH_GGZ, Role.HUISARTS,
                                                        Role.ASSISTENT))
def current_projects(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The practice's projects that are not closed, in the side column (an overview)."""
    projects = projects_for_practice(practice=practice).exclude(status=Project.Status.CLOSED)
    return StartItems(panel=Panel("patients/_start_projects.html", {"projects": projects},
                                  task=False, side=True))


@startpage_source("patients.gp_names", order=30, roles=(Role.POH_GGZ,))
def gp_names_to_confirm(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """GP names the exports brought that the POH-GGZ has not confirmed yet: until then the
    project's first GP signs those patients' letters (docs/domain.md, step 4)."""
    count = gp_names_unconfirmed_count(practice=practice)
    if not count:
        return NOTHING
    return StartItems(panel=Panel("patients/_start_gp_names.html", {"count": count}))


SUGGESTION_COUNT_SECONDS = 600  # a bound only: an import or a decision changes the key


def _suggestion_count(practice: Practice) -> int:
    """How many suggestions wait, kept in the cache under the practice's groslijst
    generation (patients/groslijst_cache.py): it changes with every import and every link
    decided or undone, the only ways the count changes but for an address corrected in the
    app, which the bound catches. The start page is opened often; the suggestions read
    every unlinked patient (0.2-0.5 s for 20,000 on each side). A cache that cannot be
    reached is skipped."""
    return cached_under_generation(
        practice=practice, what="suggested links", seconds=SUGGESTION_COUNT_SECONDS,
        key=lambda generation: f"links:suggested:{practice.uuid}:{generation}",
        compute=lambda: len(link_suggestions(practice=practice)))


@startpage_source("patients.links", order=32, roles=(Role.POH_GGZ,))
def links_to_check(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """Suggested links between a HIS patient and a pharmacy patient that wait for a
    person's decision (docs/domain.md#his-and-pharmacy). Nothing for a practice that
    imported only one source: then there is nothing to suggest."""
    count = _suggestion_count(practice)
    if not count:
        return NOTHING
    return StartItems(panel=Panel("patients/_start_links.html", {"count": count}))


@startpage_source("patients.access-changes", order=80, roles=(Role.POH_GGZ,))
def access_changes_panel(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """"Wijzigingen in toegang": who got, changed or lost a role in the practice in the last
    30 days, for the project lead (docs/security.md#least-privilege); shown also when there
    were none, so the lead knows the list is kept."""
    if not sees_access_changes(user=user, practice=practice, role=role):
        return NOTHING
    return StartItems(panel=Panel("patients/_start_access_changes.html", {
        "changes": access_changes(practice=practice, today=today), "days": SHOWN_DAYS},
        task=False, side=True))


@startpage_source("patients.audit_log", order=90, roles=PRIVACY_OFFICER_ROLES)
def audit_log_link(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The access log, for the practice's privacy officer (an aid in the side column)."""
    if not Membership.objects.filter(user=user, practice=practice,
                                     privacy_officer=True).exists():
        return NOTHING
    return StartItems(panel=Panel("patients/_start_audit_log.html", task=False, side=True))


@startpage_source("patients.audit_chain", order=5, roles=(Role.BEHEERDER,))
def audit_chain_alerts(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The daily check found the access log changed (patients/auditverify.py): shown to
    every beheerder until one of them acknowledges it."""
    alerts = open_alerts()
    if not alerts:
        return NOTHING
    return StartItems(panel=Panel("patients/_start_audit_chain.html", {
        "alerts": alerts, "up_to": max(a.pk for a in alerts)}))


@startpage_source("patients.new_starters", order=35, roles=(Role.HUISARTS,))
def new_starters_work(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """The GP's new starters without an agreement, agreements whose review is due and
    patients whose use continues past the agreed date (docs/domain.md#new-starters).
    Counts only, so the start page names no patient; the list names them."""
    work = gp_work(practice=practice, user=user, today=today)
    if not (work.without_agreement or work.reviews_due or work.flagged or work.unknown_gp):
        return NOTHING
    return StartItems(panel=Panel("patients/_start_new_starters.html", {
        "work": work, "gp": user.pk, "no_gp": NO_GP}))
