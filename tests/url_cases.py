"""Every URL of the product with how to call it and which roles may use it.

tests/test_access.py fails when a URL is added without a line here, so a new
view cannot skip the access and audit checks.
"""

from dataclasses import dataclass, field, replace

from patients.models import Role

ALL = frozenset(Role.values)
PROJECT_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT})
PROJECT_EDITORS = frozenset({Role.POH_GGZ})
IMPORTERS = frozenset({Role.POH_GGZ, Role.APOTHEKER})
IMPORT_ROW_VIEWERS = frozenset({Role.POH_GGZ})
GROSLIJST_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
DIFFERENCE_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
SCREENING_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
SCREENING_DECIDERS = frozenset({Role.HUISARTS})
CALLBACK_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
PHONE_NOTE_USERS = frozenset({Role.ASSISTENT, Role.POH_GGZ, Role.HUISARTS})
REFERENCE_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS, Role.APOTHEKER})
LETTER_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT})
LETTER_SENDERS = frozenset({Role.POH_GGZ, Role.ASSISTENT})
LETTER_TEXT_EDITORS = frozenset({Role.POH_GGZ, Role.HUISARTS})
LOGO_EDITORS = frozenset({Role.POH_GGZ, Role.BEHEERDER})
SIGNATURE_OWNERS = frozenset({Role.HUISARTS})
CONSULT_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
SCHEDULE_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
SCHEDULE_CONFIRMERS = frozenset({Role.HUISARTS})
RELAPSE_PLAN_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
QUESTIONNAIRE_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
TARGET_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
TARGET_EDITORS = frozenset({Role.POH_GGZ})
SNAPSHOT_USERS = frozenset({Role.POH_GGZ})
REPORT_USERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
DASHBOARD_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
GROUP_VIEWERS = frozenset({Role.MONITOR})
STARTER_VIEWERS = frozenset({Role.POH_GGZ, Role.HUISARTS})
AGREEMENT_RECORDERS = frozenset({Role.HUISARTS})
BEHEERDERS = frozenset({Role.BEHEERDER})
PATIENT_LINKERS = frozenset({Role.POH_GGZ, Role.HUISARTS})

# The access log: its pages are the privacy officer's (Case.privacy_officer), whatever
# their role; a patient's "who has seen this record" also the POH-GGZ's and GPs'.
NO_ROLE = frozenset()
PATIENT_ACCESS_READERS = frozenset({Role.POH_GGZ, Role.HUISARTS})

# The pages that show patients' names, and to whom (tests/test_access_content.py). Every
# other page names no patient for anybody: the pharmacist, the monitor and the beheerder
# see none at all, the assistant only the mailing, letters and phone notes.
PATIENT_PAGES = {
    # Who has seen this record: the POH-GGZ and GPs (and the privacy officer, whom the
    # content walk's users are not).
    "patients:patient-access": frozenset({Role.POH_GGZ, Role.HUISARTS}),
    # The start page's "Consulten vandaag" names the patient of the POH-GGZ's consult.
    "home": frozenset({Role.POH_GGZ}),
    **dict.fromkeys(["patients:screening", "patients:screening-patient",
                     "patients:screening-overview", "patients:project-lists"],
                    SCREENING_VIEWERS),
    # An import's rows: the uploader (the POH-GGZ here) and the POH-GGZ, not the pharmacist.
    **dict.fromkeys(["patients:import-detail", "patients:import-preview",
                     "patients:import-rejections-csv"], frozenset({Role.POH_GGZ})),
    **dict.fromkeys(["letters:mailing", "letters:run-detail", "letters:run-pdf",
                     "letters:run-labels", "letters:letter-pdf", "letters:patient-letters"],
                    LETTER_VIEWERS),
    # The letter editor's preview picks a patient of the practice.
    "letters:template-edit": LETTER_TEXT_EDITORS,
    **dict.fromkeys(["tapering:phone-note-search", "tapering:phone-note"], PHONE_NOTE_USERS),
    **dict.fromkeys(["tapering:call", "tapering:timeline", "tapering:address-correct"],
                    CALLBACK_USERS),
    **dict.fromkeys(["tapering:outcome", "tapering:consult", "tapering:consult-plan",
                     "tapering:consult-record-contact", "tapering:relative-remove",
                     "tapering:hand-out-remove"], CONSULT_USERS),
    **dict.fromkeys(["tapering:schedule", "tapering:schedule-new", "tapering:schedule-version",
                     "tapering:schedule-print"], SCHEDULE_USERS),
    **dict.fromkeys(["tapering:questionnaires", "tapering:questionnaire-fill"],
                    QUESTIONNAIRE_USERS),
    **dict.fromkeys(["tapering:relapse-plan", "tapering:relapse-plan-edit",
                     "tapering:relapse-plan-version", "tapering:relapse-plan-print"],
                    RELAPSE_PLAN_USERS),
    # The workbook's patient table (one export event per patient).
    "monitoring:dashboard-workbook": REPORT_USERS,
    # New starters (prevention): the GPs and the POH-GGZ.
    **dict.fromkeys(["patients:new-starters", "patients:new-starter"], STARTER_VIEWERS),
    # HIS and pharmacy patients side by side (docs/domain.md#his-and-pharmacy).
    **dict.fromkeys(["patients:links", "patients:link-undo"], PATIENT_LINKERS),
    # HIS versus pharmacy: the linked patients' differences (a linked pair is seeded).
    "patients:differences": DIFFERENCE_VIEWERS,
}

# URLs outside the role check: the login pages (the second factor's steps included),
# the user's own account page (any logged-in user, a beheerder without a practice too;
# tests/test_twofactor.py) and Django's admin (is_staff).
UNGUARDED_PREFIXES = ("admin:", "login", "logout", "account")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    roles: frozenset
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    audited_id: str | None = None  # the object id the access log must name
    # Roles the view lets in before the object's own check (a step's role), if wider.
    view_roles: frozenset | None = None
    audit_action: str = "view"  # a download is logged as an export instead
    # Audit events one GET writes; None: one or more (an export naming each patient).
    audit_events: int | None = 1
    # Roles of the practice that see the seeded patients' names on this page (a GET that
    # shows patient data); empty: the page names no patient, for anybody
    # (tests/test_access_content.py walks every page and checks both ways).
    patients_to: frozenset = frozenset()
    # The practice's privacy officer may use the view too, whatever their role
    # (Membership.privacy_officer); no user of the ``users`` fixture is one.
    privacy_officer: bool = False


def cases(project, step, done_import=None, pending_import=None, participation=None,
          letters=None, consultation=None, schedule=None) -> list[Case]:
    """``step`` is one of ``project``'s steps, assigned to the POH-GGZ; ``participation``
    a patient of ``project`` still to screen; ``letters`` holds a ready print run of
    ``project`` with one letter (``run``, ``letter``, ``participation``); ``consultation``
    a consult planned today for a patient of ``project`` with a consult planned;
    ``schedule`` a tapering schedule without a switch to diazepam (printable at once)."""
    p = {"project_uuid": project.uuid}
    s = {**p, "step_uuid": step.uuid}
    result = [
        Case("home", "GET", ALL),
        Case("practice-switch", "POST", ALL, data={"practice": str(project.practice.uuid)}),
        Case("patients:audit-alerts-acknowledge", "POST", BEHEERDERS, data={"tot": "0"}),
        Case("patients:project-list", "GET", PROJECT_VIEWERS),
        Case("patients:project-create", "GET", PROJECT_EDITORS),
        Case("patients:project-detail", "GET", PROJECT_VIEWERS, p, audited_id=str(project.uuid)),
        Case("patients:project-edit", "GET", PROJECT_EDITORS, p, audited_id=str(project.uuid)),
        Case("patients:plan-step-add", "GET", PROJECT_EDITORS, p, audited_id=str(project.uuid)),
        Case("patients:plan-step-edit", "GET", PROJECT_EDITORS, s, audited_id=str(step.uuid)),
        # Only the POH-GGZ or the step's own role may check a step off.
        Case("patients:plan-step-done", "POST", PROJECT_EDITORS, s,
             data={"done_on": "2026-09-02"}, view_roles=PROJECT_VIEWERS),
        Case("patients:plan-step-reopen", "POST", PROJECT_EDITORS, s, view_roles=PROJECT_VIEWERS),
        Case("patients:plan-step-delete", "POST", PROJECT_EDITORS, s),
        Case("patients:import-upload", "GET", IMPORTERS),
        Case("patients:import-list", "GET", IMPORTERS),
        Case("patients:substance-list", "GET", REFERENCE_VIEWERS),
        Case("patients:groslijst", "GET", GROSLIJST_VIEWERS),
        Case("patients:to-screening", "POST", GROSLIJST_VIEWERS,
             data={"project": project.pk, "peildatum": "2026-09-15"}),
        Case("tapering:callbacks", "GET", CALLBACK_USERS),
        Case("tapering:phone-note-search", "GET", PHONE_NOTE_USERS),
        # fto: the FTO group's view and its downloads, the monitor's only.
        Case("monitoring:group", "GET", GROUP_VIEWERS),
        Case("monitoring:group-csv", "GET", GROUP_VIEWERS, audit_action="export"),
        Case("monitoring:group-xlsx", "GET", GROUP_VIEWERS, audit_action="export"),
    ]
    reminder = project.due_items.filter(kind="final_evaluation").first()
    if reminder is not None:
        # Only the user the reminder is for may close it: the project lead here.
        result.append(Case("tapering:reminder-done", "POST", PROJECT_EDITORS,
                           {"item_uuid": reminder.uuid},
                           view_roles=CALLBACK_USERS | PHONE_NOTE_USERS))
    if participation is not None:
        q = {**p, "participation_uuid": participation.uuid}
        audited = str(participation.uuid)
        result += [
            Case("patients:screening", "GET", SCREENING_VIEWERS, p, audited_id=audited),
            Case("patients:screening-patient", "GET", SCREENING_VIEWERS, q, audited_id=audited),
            Case("patients:screening-overview", "GET", SCREENING_VIEWERS, p,
                 audited_id=str(project.uuid)),
            Case("patients:project-lists", "GET", SCREENING_VIEWERS, p,
                 audited_id=str(project.uuid)),
            Case("patients:screening-decide", "POST", SCREENING_VIEWERS, q,
                 data={"decision": "approach"}),
            Case("patients:screening-skip", "POST", SCREENING_VIEWERS, q),
            Case("patients:screening-undo", "POST", SCREENING_DECIDERS, q),
            Case("patients:lists-split", "POST", SCREENING_VIEWERS, p),
            Case("patients:list-move", "POST", SCREENING_VIEWERS, q, data={"richting": "omhoog"}),
            Case("patients:list-transfer", "POST", SCREENING_VIEWERS, q,
                 data={"naar": "mailing"}),
            Case("tapering:call", "GET", CALLBACK_USERS, q, audited_id=audited),
            Case("tapering:call", "POST", CALLBACK_USERS, q, data={"outcome": "not_reached"}),
            Case("tapering:timeline", "GET", CALLBACK_USERS, q, audited_id=audited),
            Case("tapering:outcome", "GET", CONSULT_USERS, q, audited_id=audited),
            Case("tapering:outcome", "POST", CONSULT_USERS, q,
                 data={"outcome": "not_reached", "outcome_on": "2026-10-01"}),
            Case("tapering:reserve-replace", "POST", CALLBACK_USERS, q),
            Case("tapering:address-correct", "GET", CALLBACK_USERS, q, audited_id=audited),
            Case("tapering:address-correct", "POST", CALLBACK_USERS, q,
                 data={"street": "Kerkstraat", "house_number": "3", "postcode": "6871 CD",
                       "city": "Renkum"}),
        ]
    result += _phone_note_cases(project)
    if done_import is not None:
        d = {"import_uuid": done_import.uuid}
        audited = str(done_import.uuid)
        # The import brought the GP name "M. Öztürk": its row on the mapping page.
        gp_name = project.practice.gp_names.get(export_name="M. Öztürk")
        result += [
            Case("patients:gp-names", "GET", PROJECT_EDITORS),
            Case("patients:gp-names-confirm-suggestions", "POST", PROJECT_EDITORS),
            Case("patients:gp-name-confirm", "POST", PROJECT_EDITORS,
                 {"name_uuid": gp_name.uuid}, data={f"{gp_name.uuid}-gp": ""}),
            Case("patients:import-detail", "GET", IMPORTERS, d, audited_id=audited),
            Case("patients:import-progress", "GET", IMPORTERS, d, audited_id=audited),
            # An import's rows: its uploader (the POH-GGZ here) and the POH-GGZ only; the
            # pharmacist sees the status and counts (docs/security.md#least-privilege).
            Case("patients:import-rejections-csv", "GET", IMPORT_ROW_VIEWERS, d,
                 audited_id=audited, audit_action="export", view_roles=IMPORTERS),
        ]
    if pending_import is not None:
        w = {"import_uuid": pending_import.uuid}
        result += [
            Case("patients:import-preview", "GET", IMPORT_ROW_VIEWERS, w,
                 audited_id=str(pending_import.uuid), view_roles=IMPORTERS),
            Case("patients:import-start", "POST", IMPORT_ROW_VIEWERS, w, view_roles=IMPORTERS),
            Case("patients:import-discard", "POST", IMPORT_ROW_VIEWERS, w,
                 view_roles=IMPORTERS),
        ]
    if letters is not None:
        r = {"run_uuid": letters.run.uuid}
        run_id = str(letters.run.uuid)
        letter = letters.letter
        patient = letter.participation.patient
        letter_text = {"subject": "Stoppen met slaapmiddelen", "body": "{aanhef},\n\nTekst."}
        result += [
            Case("letters:index", "GET", LETTER_VIEWERS),
            Case("letters:mailing", "GET", LETTER_VIEWERS, p, audited_id=str(project.uuid)),
            Case("letters:run-detail", "GET", LETTER_VIEWERS, r, audited_id=run_id),
            Case("letters:run-progress", "GET", LETTER_VIEWERS, r, audited_id=run_id),
            Case("letters:run-pdf", "GET", LETTER_VIEWERS, r, audited_id=run_id,
                 audit_action="export"),
            Case("letters:run-labels", "GET", LETTER_VIEWERS, r, audited_id=run_id,
                 audit_action="export"),
            Case("letters:letter-pdf", "GET", LETTER_VIEWERS, {"letter_uuid": letter.uuid},
                 audited_id=str(letter.uuid), audit_action="export"),
            Case("letters:patient-letters", "GET", LETTER_VIEWERS,
                 {"patient_uuid": patient.uuid}, audited_id=str(patient.uuid)),
            Case("letters:template-list", "GET", LETTER_TEXT_EDITORS),
            Case("letters:template-edit", "GET", LETTER_TEXT_EDITORS),
            Case("letters:template-preview", "POST", LETTER_TEXT_EDITORS, data=letter_text),
            Case("letters:template-preview-pdf", "POST", LETTER_TEXT_EDITORS, data=letter_text),
            Case("letters:template-save", "POST", LETTER_TEXT_EDITORS, data=letter_text),
            Case("letters:template-reset", "POST", LETTER_TEXT_EDITORS),
            Case("letters:logo", "GET", LOGO_EDITORS),
            Case("letters:signature", "GET", SIGNATURE_OWNERS),
            Case("letters:run-create", "POST", LETTER_SENDERS, p, data={"kind": "stop"}),
            # Changing ones last: mailed, then re-sent, then (refused as mailed) cancelled.
            Case("letters:run-mark-mailed", "POST", LETTER_SENDERS, r,
                 data={"mailed_on": letters.run.letter_date.isoformat()}),
            Case("letters:letter-resend", "POST", LETTER_SENDERS,
                 {**p, "participation_uuid": letter.participation.uuid},
                 data={"reason": "nooit ontvangen"}),
            Case("letters:run-restart", "POST", LETTER_SENDERS, r),
            Case("letters:run-cancel", "POST", LETTER_SENDERS, r),
        ]
    if consultation is not None:
        result += _consult_cases(project, consultation)
        result += _relative_cases(project, consultation.participation)
    if schedule is not None:
        part = schedule.participation
        q = {**p, "participation_uuid": part.uuid}
        audited = str(part.uuid)
        version = schedule.versions.get(number=1)
        change = {"atc": version.atc, "strength_mg": str(version.strength_mg),
                  "dose_mg": str(version.dose_mg), "preset": version.preset,
                  "start": version.start.isoformat(), "version": "1", "reason": "test"}
        result += [
            Case("tapering:schedule", "GET", SCHEDULE_USERS, q, audited_id=audited),
            Case("tapering:schedule-new", "GET", SCHEDULE_USERS, q, audited_id=audited),
            Case("tapering:schedule-preview", "GET", SCHEDULE_USERS, q, audited_id=audited),
            Case("tapering:schedule-version", "GET", SCHEDULE_USERS,
                 {**q, "version_uuid": version.uuid}, audited_id=audited),
            # The printout is a download: logged as an export of the schedule.
            Case("tapering:schedule-print", "GET", SCHEDULE_USERS, q,
                 audited_id=str(schedule.uuid), audit_action="export"),
            Case("tapering:schedule-new", "POST", SCHEDULE_USERS, q, data=change),
            Case("tapering:schedule-adjust", "POST", SCHEDULE_USERS, q,
                 data={"action": "hold", "step": "0", "days": "3", "reason": "test",
                       "version": "2"}),
            Case("tapering:schedule-confirm", "POST", SCHEDULE_CONFIRMERS, q,
                 data={"version": "1"}),
            *_questionnaire_cases(q, audited),
            # No suggestion is open: refused with a message, nothing changes.
            Case("tapering:bwsq-hold-decision", "POST", QUESTIONNAIRE_USERS, q,
                 data={"decision": "not_now"}),
        ]
        result += _relapse_cases(project, part)
    result += _monitoring_cases(project)
    result += audit_log_cases(project)
    result += _new_starter_cases(project)
    result += _capacity_cases(project)
    result += _patient_link_cases(project)
    result += _difference_cases(project)
    return [replace(case, patients_to=PATIENT_PAGES.get(case.name, frozenset()))
            if case.method == "GET" else case for case in result]


def _phone_note_cases(project) -> list[Case]:
    """The phone note of a patient who was sent a letter (only those: the page is no way to
    look up the practice's other patients; tests/tapering/test_phone_note_privilege.py)."""
    from datetime import date

    from patients.models import Participation, Patient
    from tests.factories import PatientFactory

    patient = (Patient.objects.filter(practice=project.practice, number="900005").first()
               or PatientFactory(practice=project.practice, number="900005"))
    part, _ = Participation.objects.get_or_create(
        project=project, patient=patient,
        defaults={"reference_date": date(2026, 9, 15), "created_by": project.lead,
                  "status": Participation.Status.LETTER_SENT})
    q = {"project_uuid": project.uuid, "participation_uuid": part.uuid}
    return [
        Case("tapering:phone-note", "GET", PHONE_NOTE_USERS, q, audited_id=str(part.uuid)),
        Case("tapering:phone-note", "POST", PHONE_NOTE_USERS, q,
             data={"called_at": "2026-10-01T10:00", "caller": "patient", "wish": "question"}),
    ]


def audit_log_cases(project) -> list[Case]:
    """The access log's pages (docs/security.md#reading-the-access-log): an event of the
    practice that showed a patient in a list, to open."""
    from patients.audit import audit_log
    from patients.models import Patient

    practice = project.practice
    patient, _ = Patient.objects.get_or_create(practice=practice, source="his", number="900010",
                                               defaults={"surname": "Proefinzage"})
    event = audit_log(user=project.lead, action="view", practice=practice,
                      object_type="patients:groslijst", patients=[patient], role="poh_ggz")
    log = str(practice.uuid)
    return [
        Case("patients:audit-log", "GET", NO_ROLE, audited_id=log, privacy_officer=True),
        Case("patients:audit-log-export", "GET", NO_ROLE, audited_id=log,
             audit_action="export", privacy_officer=True),
        Case("patients:audit-event", "GET", NO_ROLE, {"event_id": event.pk},
             audited_id=str(event.pk), privacy_officer=True),
        Case("patients:patient-access", "GET", PATIENT_ACCESS_READERS,
             {"patient_uuid": patient.uuid}, audited_id=str(patient.uuid),
             privacy_officer=True),
    ]


def _monitoring_cases(project) -> list[Case]:
    """The result targets page; a target of the project to remove."""
    from monitoring.models import ResultTarget
    from patients.models import Project

    target, _ = ResultTarget.objects.get_or_create(
        project=project, measure="stopped_share", per_gp=False,
        deadline=project.planned_end, defaults={"value": 20})
    p = {"project_uuid": project.uuid}
    empty, _ = Project.objects.get_or_create(
        practice=project.practice, name="Dashboard zonder patiënten",
        defaults={"lead": project.lead, "planned_start": project.planned_start,
                  "planned_end": project.planned_end})
    return [
        Case("monitoring:targets", "GET", TARGET_VIEWERS, p, audited_id=str(project.uuid)),
        Case("monitoring:target-add", "POST", TARGET_EDITORS, p,
             data={"measure": "funnel_mailed", "value": "10",
                   "deadline": project.planned_end.isoformat()}),
        Case("monitoring:target-delete", "POST", TARGET_EDITORS,
             {**p, "target_uuid": target.uuid}),
        # snapdue: the monthly snapshots page and recomputing one month or all
        Case("monitoring:snapshots", "GET", SNAPSHOT_USERS, p, audited_id=str(project.uuid)),
        Case("monitoring:snapshot-recompute", "POST", SNAPSHOT_USERS,
             {**p, "month": project.planned_start}),
        Case("monitoring:snapshot-recompute", "POST", SNAPSHOT_USERS, p),
        # branch report: the evaluation page, the exports and the PDF report
        Case("monitoring:evaluation", "GET", REPORT_USERS, p, audited_id=str(project.uuid)),
        Case("monitoring:evaluation", "POST", REPORT_USERS, p,
             data={"another_round": "undecided", "version": "0"}),
        Case("monitoring:report-pdf", "GET", REPORT_USERS, p, audited_id=str(project.uuid),
             audit_action="export"),
        Case("monitoring:dashboard-export", "GET", REPORT_USERS, {**p, "key": "funnel"},
             audited_id=str(project.uuid), audit_action="export"),
        # One export event of the project, naming each patient of the patient table.
        Case("monitoring:dashboard-workbook", "GET", REPORT_USERS, p,
             audited_id=str(project.uuid), audit_action="export"),
        # An empty project of the same practice: a page of the patient table names each
        # patient it shows (tests/monitoring/test_dashboard_views.py).
        Case("monitoring:dashboard", "GET", DASHBOARD_VIEWERS,
             {"project_uuid": empty.uuid}, audited_id=str(empty.uuid)),
    ]


def _relapse_cases(project, participation) -> list[Case]:
    """The relapse-prevention plan's URLs, on ``participation``'s plan: made here when it
    has none yet, so a version exists to open and print. The POSTs carry the version in
    force when the cases are built: the edit makes the next one, which the review names."""
    from tapering.models import RelapsePlan
    from tapering.relapse import PlanContent
    from tapering.services import relapse_plan_save

    plan = RelapsePlan.objects.filter(participation=participation).first()
    if plan is None:
        relapse_plan_save(participation=participation, user=project.lead,
                          content=PlanContent(safety="Bel de praktijk."), expected_version=0)
        plan = RelapsePlan.objects.get(participation=participation)
    q = {"project_uuid": project.uuid, "participation_uuid": participation.uuid}
    audited, n = str(participation.uuid), plan.current_number
    return [
        Case("tapering:relapse-plan", "GET", RELAPSE_PLAN_USERS, q, audited_id=audited),
        Case("tapering:relapse-plan-edit", "GET", RELAPSE_PLAN_USERS, q, audited_id=audited),
        Case("tapering:relapse-plan-version", "GET", RELAPSE_PLAN_USERS,
             {**q, "version_uuid": plan.versions.get(number=1).uuid}, audited_id=audited),
        # The printout is a download: logged as an export of the plan.
        Case("tapering:relapse-plan-print", "GET", RELAPSE_PLAN_USERS, q,
             audited_id=str(plan.uuid), audit_action="export"),
        Case("tapering:relapse-plan-edit", "POST", RELAPSE_PLAN_USERS, q,
             data={"version": str(n), "safety": f"Bel de praktijk ({n}).",
                   "people-TOTAL_FORMS": "0", "people-INITIAL_FORMS": "0"}),
        Case("tapering:relapse-plan-review", "POST", RELAPSE_PLAN_USERS, q,
             data={"version": str(n + 1)}),
    ]


def _questionnaire_cases(q, audited) -> list[Case]:
    from django.utils import timezone

    bwsq = {**q, "code": "bwsq"}
    answers = {f"item_{n}": "0" for n in range(1, 21)}
    return [
        Case("tapering:questionnaires", "GET", QUESTIONNAIRE_USERS, q, audited_id=audited),
        Case("tapering:questionnaire-fill", "GET", QUESTIONNAIRE_USERS, bwsq,
             audited_id=audited),
        # The blank form is a download: logged as an export.
        Case("tapering:questionnaire-blank", "GET", QUESTIONNAIRE_USERS, bwsq,
             audited_id=audited, audit_action="export"),
        Case("tapering:questionnaire-fill", "POST", QUESTIONNAIRE_USERS, bwsq,
             data={"taken_on": timezone.localdate().isoformat(), "how": "contact",
                   **answers}),
    ]


def _consult_cases(project, consultation) -> list[Case]:
    from django.utils import timezone

    participation = consultation.participation
    q = {"project_uuid": project.uuid, "participation_uuid": participation.uuid}
    c = {**q, "consult_uuid": consultation.uuid}
    today = timezone.localdate()
    now = timezone.localtime()
    week_on = (today + timezone.timedelta(days=7)).isoformat()
    holder = str(consultation.held_by_id)
    # In this order: each POST leaves the consult and the patient ready for the next one.
    return [
        Case("tapering:consult", "GET", CONSULT_USERS, c, audited_id=str(consultation.uuid)),
        Case("tapering:consult-plan", "GET", CONSULT_USERS, q, audited_id=str(participation.uuid)),
        Case("tapering:consult-record-contact", "GET", CONSULT_USERS, q,
             audited_id=str(participation.uuid)),
        Case("tapering:consult-plan", "POST", CONSULT_USERS, q,
             data={"kind": "evaluation", "consult_date": week_on, "consult_time": "10:00",
                   "held_by": holder}),
        Case("tapering:consult-no-show", "POST", CONSULT_USERS, c),
        Case("tapering:consult-rebook", "POST", CONSULT_USERS, c,
             data={"rebook_date": week_on, "rebook_time": "11:00"}),
        Case("tapering:consult-cancel", "POST", CONSULT_USERS, c, data={"reason": "ziek"}),
        Case("tapering:consult", "POST", CONSULT_USERS, c,
             data={"held_by": holder, "next_step": "start"}),
        Case("tapering:consult-record-contact", "POST", CONSULT_USERS, q,
             data={"kind": "evaluation", "contact_date": now.date().isoformat(),
                   "contact_time": f"{now:%H:%M}", "held_by": holder, "next_step": "start"}),
    ]


def _relative_cases(project, participation) -> list[Case]:
    """Relatives and hand-outs on the timeline (docs/domain.md#relatives): one of each is made
    here once, so the removal pages have something to show."""
    from datetime import date

    from tapering.models import HandOut, Relative

    poh = project.lead
    relative = Relative.objects.filter(participation=participation).first() or \
        Relative.objects.create(participation=participation, name="Els", relation="partner",
                                added_by=poh)
    hand_out = HandOut.objects.filter(participation=participation).first() or \
        HandOut.objects.create(participation=participation, kind="workbook",
                               given_on=date(2026, 10, 1), given_by=poh)
    q = {"project_uuid": project.uuid, "participation_uuid": participation.uuid}
    audited = str(participation.uuid)
    return [
        Case("tapering:relative-remove", "GET", CONSULT_USERS,
             {**q, "relative_uuid": relative.uuid}, audited_id=audited),
        Case("tapering:hand-out-remove", "GET", CONSULT_USERS,
             {**q, "hand_out_uuid": hand_out.uuid}, audited_id=audited),
        Case("tapering:relative-add", "POST", CONSULT_USERS, q,
             data={"name": "Jan", "relation": "zoon", "phone": "06-1", "may_contact": "on"}),
        Case("tapering:hand-out-add", "POST", CONSULT_USERS, q,
             data={"kind": "leaflet", "given_on": "2026-10-01"}),
        Case("tapering:relative-remove", "POST", CONSULT_USERS,
             {**q, "relative_uuid": relative.uuid}),
        Case("tapering:hand-out-remove", "POST", CONSULT_USERS,
             {**q, "hand_out_uuid": hand_out.uuid}),
    ]


def _new_starter_cases(project) -> list[Case]:
    """New starters (docs/domain.md#new-starters): a patient whose first benzodiazepine
    prescription is of today, with an agreement to change, mark reviewed and move."""
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from patients.models import ImportBatch, Patient, Prescription, StarterAgreement
    from tests.factories import PatientFactory

    practice, today = project.practice, timezone.localdate()
    patient = (Patient.objects.filter(practice=practice, number="900030").first()
               or PatientFactory(practice=practice, number="900030"))
    if not patient.prescriptions.exists():
        # An import of the practice's own (the walk's, when there is one: a new one would
        # change which import other cases find first).
        batch = (practice.imports.filter(status=ImportBatch.Status.DONE).order_by("pk").first()
                 or ImportBatch.objects.create(practice=practice, file_name="starter.csv",
                                               checksum="1" * 64,
                                               status=ImportBatch.Status.DONE))
        Prescription.objects.create(patient=patient, date=today, atc="N05CD08", units=10,
                                    description="midazolam", row_key=uuid4(), batch=batch)
    gp = practice.memberships.filter(role=Role.HUISARTS).first()
    StarterAgreement.objects.get_or_create(
        patient=patient, started_on=today,
        defaults={"practice": practice, "gp": gp.user if gp else project.lead,
                  "duration_weeks": 2, "end_on": today + timedelta(days=14)})
    q = {"patient_uuid": patient.uuid}
    later = (today + timedelta(days=30)).isoformat()
    return [
        Case("patients:new-starters", "GET", STARTER_VIEWERS),
        Case("patients:new-starter", "GET", STARTER_VIEWERS, q, audited_id=str(patient.uuid)),
        Case("patients:new-starter-agreement", "POST", AGREEMENT_RECORDERS, q,
             data={"duration_weeks": "3", "end_kind": "review", "end_on": later}),
        Case("patients:new-starter-review-done", "POST", AGREEMENT_RECORDERS, q),
        Case("patients:new-starter-review-move", "POST", AGREEMENT_RECORDERS, q,
             data={"end_on": later}),
    ]


def _capacity_cases(project) -> list[Case]:
    """The capacity planner (docs/domain.md#capacity-planning): the page with inputs, and a
    choice (refused as stale when it does not match the project's groslijst: no harm)."""
    viewers = frozenset({Role.POH_GGZ, Role.HUISARTS})  # the GPs look, read-only
    planners = frozenset({Role.POH_GGZ})
    p = {"project_uuid": project.uuid}
    inputs = {"uren": "4", "minuten_bellen": "10", "minuten_consult": "30"}
    return [
        Case("monitoring:capacity", "GET", viewers, p, audited_id=str(project.uuid)),
        Case("monitoring:capacity-choose", "POST", planners, p,
             data={**inputs, "per_maand": "1", "brieven": "1", "grootte": "1"}),
        # The next batch: the mailing list filled up to the target from the reserves.
        Case("patients:lists-refill", "POST", viewers, p),
    ]


def _patient_link_cases(project) -> list[Case]:
    """The links between HIS and pharmacy patients (docs/domain.md#his-and-pharmacy): a
    suggested pair (the same date of birth, postcode and surname) and a pair linked
    already, made here once. Surnames start with "Proef" (tests/test_audit_complete.py), and
    the pharmacy writes them with an accent, so that each patient's name is its own in a
    page's text while the rule still pairs them (accents do not count)."""
    from datetime import date

    from patients.models import Patient, PatientLink

    practice = project.practice

    def person(source: str, number: str, surname: str) -> Patient:
        patient, _new = Patient.objects.get_or_create(
            practice=practice, source=source, number=number,
            defaults={"surname": surname, "initials": "K.", "birth_date": date(1948, 3, 1),
                      "postcode": "6871 CD", "street": "Kerkstraat", "house_number": "3",
                      "city": "Renkum"})
        return patient

    his, pharmacy = Patient.Source.HIS, Patient.Source.APOTHEEK
    suggested = (person(his, "910001", "Proefkoppelvoorstel"),
                 person(pharmacy, "P910001", "Proefköppelvoorstel"))
    link, _new = PatientLink.objects.get_or_create(
        practice=practice, his_patient=person(his, "910002", "Proefkoppeling"),
        pharmacy_patient=person(pharmacy, "P910002", "Proefköppeling"),
        undone_at__isnull=True, defaults={"decided_by": project.lead})
    pair = {"his": str(suggested[0].uuid), "apotheek": str(suggested[1].uuid)}
    return [
        Case("patients:links", "GET", PATIENT_LINKERS),
        Case("patients:link-manual", "GET", PATIENT_LINKERS),
        Case("patients:link-undo", "GET", PATIENT_LINKERS, {"link_uuid": link.uuid},
             audited_id=str(link.uuid)),
        Case("patients:link-confirm", "POST", PATIENT_LINKERS, data=pair),
        Case("patients:link-reject", "POST", PATIENT_LINKERS, data=pair),
        Case("patients:link-undo", "POST", PATIENT_LINKERS, {"link_uuid": link.uuid}),
    ]
def _difference_cases(project) -> list[Case]:
    """The HIS-versus-pharmacy differences (docs/domain.md#his-and-pharmacy): one person
    linked across the two sources, with a dispensing the HIS has no prescription for, made
    here once. Dated in 2020, so no groslijst of today lists them."""
    import uuid
    from datetime import date

    from patients.models import ImportBatch, Patient, PatientLink, Prescription

    practice = project.practice
    pair = []
    for source, number in ((Patient.Source.HIS, "900101"), (Patient.Source.APOTHEEK, "A900101")):
        patient, created = Patient.objects.get_or_create(
            practice=practice, source=source, number=number,
            defaults={"surname": "Proefverschil", "initials": "V.", "gp_name": "M. Öztürk"})
        pair.append(patient)
        if created:
            batch = ImportBatch.objects.create(practice=practice, file_name=f"{source}.csv",
                                               checksum="1" * 64, status="done", layout=source)
            days = ([date(2020, 1, 1), date(2020, 3, 1)] if source == Patient.Source.HIS
                    else [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)])
            for line, day in enumerate(days):
                Prescription.objects.create(
                    patient=patient, date=day, atc="N05BA04", description="Oxazepam 10 mg",
                    units=30, dosage="1 dd 1", prescriber="Dr. Psychiater", row_key=uuid.uuid4(),
                    batch=batch, line=line)
    # Decided by the lead, as every link in the app is (the links page names who decided).
    PatientLink.objects.get_or_create(practice=practice, his_patient=pair[0],
                                      pharmacy_patient=pair[1], undone_at__isnull=True,
                                      defaults={"decided_by": project.lead})
    return [Case("patients:differences", "GET", DIFFERENCE_VIEWERS)]
