"""The one place that decides who may open what.

Every view of the product is wrapped in :func:`practice_view`: it requires a
login, finds the user's membership of the practice chosen in the session,
answers 403 when the role may not use the view, and writes an audit event for
every page opened. Objects are fetched through the ``get_*_for_user`` helpers,
which scope to that practice (404 across practices) and name the object in the
audit event.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from benzoproject.middleware import audit_role, request_audited
from patients.audit import audit_log
from patients.models import (
    AuditEvent,
    DueItem,
    ImportBatch,
    Membership,
    Participation,
    Patient,
    PlanStep,
    Practice,
    Project,
    Role,
)

SESSION_PRACTICE_KEY = "practice_uuid"


class PracticeRequest(HttpRequest):
    """The request a view wrapped in :func:`practice_view` receives: the user's membership
    and practice are known, and the page's access-log entry can name an object."""

    membership: Membership
    practice: Practice
    audit_target: Model | None
    audit_patients: set[int]
    audit_detail: str
    _membership_cache: Membership | None


def user_memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("practice"))


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership of the practice the user works in now (chosen in the session)."""
    request = cast(PracticeRequest, request)
    if hasattr(request, "_membership_cache"):
        return request._membership_cache
    memberships = user_memberships(request.user)
    chosen = request.session.get(SESSION_PRACTICE_KEY) if hasattr(request, "session") else None
    membership = next((m for m in memberships if str(m.practice.uuid) == chosen), None)
    if membership is None and memberships:
        membership = min(memberships, key=lambda m: m.pk)  # the practice joined first
    request._membership_cache = membership
    return membership


View = Callable[..., HttpResponse]


def practice_view(*, roles: Iterable[str],
                  privacy_officer: bool = False) -> Callable[[View], View]:
    """Login + practice membership + role check + access log, for one view.

    With ``privacy_officer`` the practice's privacy officer (``Membership.privacy_officer``)
    may use the view too, whatever their role; ``roles`` may then be empty, for a view that
    only the privacy officer opens.
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: PracticeRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            if membership is None:
                if request.user.is_staff:
                    return redirect("admin:index")  # an administrator without a practice
                raise PermissionDenied(_("Your account is not linked to a practice yet. Ask the "
                                         "administrator of your practice to add you."))
            if membership.role not in allowed and not (
                    privacy_officer and membership.privacy_officer):
                raise PermissionDenied
            request.membership = membership
            request.practice = membership.practice
            audit_role.set(membership.role)
            request.audit_target = None
            request.audit_patients = set()
            request.audit_detail = ""
            response = view(request, *args, **kwargs)
            # A page that wrote its own event (an export, a change) is not logged again,
            # unless it showed patients that event does not name (audit_shown): a form
            # posted back with its list of patients (the letter editor's picker) too.
            # (a page, not a redirect: also one answered 400 with its form's errors)
            shown = request.audit_patients and (response.status_code < 300
                                                or 400 <= response.status_code < 500)
            if shown or (request.method in ("GET", "HEAD") and response.status_code < 400
                         and not request_audited.get()):
                _log_page_view(request)
            return response

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]  # read by the access tests
        wrapper.privacy_officer = privacy_officer  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _log_page_view(request: PracticeRequest) -> None:
    target = request.audit_target
    match = request.resolver_match
    page = match.view_name if match else request.path
    audit_log(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        practice=request.practice,
        obj=target,
        object_type=None if target is not None else page,
        patients=request.audit_patients,
        detail=f"{page}: {request.audit_detail}" if request.audit_detail else page,
    )


def audit_shown(request: HttpRequest, patients: Iterable[Patient | int | None], *,
                detail: str = "") -> None:
    """Name ``patients`` (objects or primary keys) in this page's access-log entry: the
    patients a list, search or start page showed (NEN 7513). A paginated page passes the
    patients of the page it shows; ``None`` (a row without a patient) is left out.
    ``detail`` (a search term, say) is added to the entry's detail."""
    request = cast(PracticeRequest, request)
    request.audit_patients.update(
        p if isinstance(p, int) else p.pk for p in patients if p is not None)
    if detail:
        request.audit_detail = "; ".join(filter(None, (request.audit_detail, detail)))


def set_audit_target(request: PracticeRequest, obj: Model) -> None:
    """Name ``obj`` in the access log of this page (apps' own access helpers call it)."""
    request.audit_target = obj


def fetch_for_user(request: PracticeRequest, queryset: Any, *, practice_path: str,
                   **lookup: Any) -> Any:
    """The one object ``lookup`` finds in ``queryset`` among those of the request's practice
    (reached through ``practice_path``, e.g. ``"project__practice"``), or 404; named in
    this page's access log."""
    obj = get_object_or_404(queryset, **lookup, **{practice_path: request.practice})
    set_audit_target(request, obj)
    return obj


def get_project_for_user(request: PracticeRequest, project_uuid) -> Project:
    project: Project = fetch_for_user(request, Project, uuid=project_uuid,
                                      practice_path="practice")
    return project


def get_plan_step_for_user(request: PracticeRequest, project_uuid, step_uuid) -> PlanStep:
    step: PlanStep = fetch_for_user(
        request, PlanStep.objects.select_related("project"),
        uuid=step_uuid, project__uuid=project_uuid, practice_path="project__practice")
    return step


def get_due_item_for_user(request: PracticeRequest, item_uuid) -> DueItem:
    """A due item of the practice that is for this user: assigned to them, or to no one."""
    item = get_object_or_404(DueItem.objects.select_related("project"), uuid=item_uuid,
                             project__practice=request.practice)
    if item.assigned_to_id not in (None, request.user.pk):
        raise PermissionDenied
    set_audit_target(request, item)
    return item


def get_import_for_user(request: PracticeRequest, import_uuid) -> ImportBatch:
    batch: ImportBatch = fetch_for_user(request, ImportBatch, uuid=import_uuid,
                                        practice_path="practice")
    return batch


def may_see_import_rows(request: PracticeRequest, batch: ImportBatch) -> bool:
    """Whether this user may see the rows of an import (its preview, rejected rows and
    address notices name patients): its uploader, and the roles of ``IMPORT_ROW_VIEWERS``."""
    return (batch.uploaded_by_id == request.user.pk
            or request.membership.role in IMPORT_ROW_VIEWERS)


def get_import_rows_for_user(request: PracticeRequest, import_uuid) -> ImportBatch:
    """An import whose rows this user may see or act on (preview, start, discard, rejected
    rows); 403 with the reason for another importer (docs/security.md#least-privilege)."""
    batch = get_import_for_user(request, import_uuid)
    if not may_see_import_rows(request, batch):
        raise PermissionDenied(_("Only the person who uploaded this file and the POH-GGZ may "
                                 "see its rows. You can see its status and counts in the "
                                 "import history."))
    return batch


def get_participation_for_user(request: PracticeRequest, project_uuid,
                               participation_uuid) -> Participation:
    participation: Participation = fetch_for_user(
        request, Participation.objects.select_related("patient", "project"),
        uuid=participation_uuid, project__uuid=project_uuid,
        practice_path="project__practice")
    return participation


def get_patient_for_user(request: PracticeRequest, patient_uuid) -> Patient:
    patient: Patient = fetch_for_user(request, Patient, uuid=patient_uuid,
                                      practice_path="practice")
    return patient


# Who may use which part of the product (docs/domain.md#roles).
PROJECT_VIEWERS = (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT)
PROJECT_EDITORS = (Role.POH_GGZ,)
IMPORTERS = (Role.POH_GGZ, Role.APOTHEKER)
# An import's rows name patients (docs/security.md#least-privilege): its uploader sees them,
# and the POH-GGZ, who works with all of the practice's patients; another importer (the
# pharmacist, on the POH-GGZ's HIS export) sees the status and the counts only.
IMPORT_ROW_VIEWERS = (Role.POH_GGZ,)
# The groslijst names patients with their medication: clinical, so GP and POH-GGZ only.
GROSLIJST_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
# The HIS-versus-pharmacy differences (docs/domain.md#his-and-pharmacy): who treats.
DIFFERENCE_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
REFERENCE_VIEWERS = (Role.POH_GGZ, Role.HUISARTS, Role.APOTHEKER)
# Screening reasons are clinical (docs/domain.md, step 3): the GP decides, the POH-GGZ proposes.
SCREENING_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
SCREENING_DECIDERS = (Role.HUISARTS,)
# Linking a HIS patient to a pharmacy patient (docs/domain.md#his-and-pharmacy) shows both
# records side by side: the POH-GGZ and the GPs, who work with the patients, decide.
PATIENT_LINKERS = (Role.POH_GGZ, Role.HUISARTS)
# Call-backs are the POH-GGZ's (docs/domain.md, step 6); the GP may stand in.
CALLBACK_USERS = (Role.POH_GGZ, Role.HUISARTS)
# Consultations (step 7) are held by the POH-GGZ or a GP; their notes are clinical, so the
# assistant has no consult page at all.
CONSULT_USERS = (Role.POH_GGZ, Role.HUISARTS)
# Tapering schedules (docs/domain.md, step 7): made and adjusted by the POH-GGZ or a GP;
# only a GP confirms a switch to diazepam. Clinical: no assistant, pharmacist or monitor.
SCHEDULE_USERS = (Role.POH_GGZ, Role.HUISARTS)
SCHEDULE_CONFIRMERS = (Role.HUISARTS,)
# The relapse-prevention plan (docs/domain.md#relapse-plan): clinical, as the schedules.
RELAPSE_PLAN_USERS = (Role.POH_GGZ, Role.HUISARTS)
# Questionnaires (docs/domain.md#questionnaires) are clinical: the POH-GGZ or a GP.
QUESTIONNAIRE_USERS = (Role.POH_GGZ, Role.HUISARTS)
# The assistant notes incoming calls at the desk (step 5); so may the POH-GGZ and GP.
PHONE_NOTE_USERS = (Role.ASSISTENT, Role.POH_GGZ, Role.HUISARTS)
# Letters (docs/domain.md, step 4): the assistant prints and mails them, the POH-GGZ may too;
# GPs see them and write the texts with the POH-GGZ. Names, addresses and letter
# status only: no screening reasons on these pages.
LETTER_VIEWERS = (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT)
LETTER_SENDERS = (Role.POH_GGZ, Role.ASSISTENT)
LETTER_TEXT_EDITORS = (Role.POH_GGZ, Role.HUISARTS)
LOGO_EDITORS = (Role.POH_GGZ, Role.BEHEERDER)
SIGNATURE_OWNERS = (Role.HUISARTS,)
# The access log (NEN 7513; docs/security.md#reading-the-access-log): the whole practice's
# log is for its privacy officer only (``practice_view(roles=(), privacy_officer=True)``);
# a patient's "who has seen this record" also for the clinicians who answer that patient.
AUDIT_LOG_READERS: tuple[str, ...] = ()
PATIENT_ACCESS_READERS = (Role.POH_GGZ, Role.HUISARTS)
ALL_ROLES = tuple(Role.values)


def membership_context(request: HttpRequest) -> dict:
    """Template context: the current membership and the practices to switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = current_membership(request)
    return {
        "current_membership": membership,
        "current_role": membership.role if membership else None,
        # May open a patient's "who has seen this record" (the views' own rule).
        "may_read_record_access": membership is not None and (
            membership.role in PATIENT_ACCESS_READERS or membership.privacy_officer),
        "all_memberships": user_memberships(user),
        "Role": Role,
    }
