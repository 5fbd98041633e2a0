"""The models of ``patients``, one module per concern; every public name is re-exported here.

- ``organisation``: practices, FTO groups, memberships and roles;
- ``clinical_data``: patients, substances, imports and prescriptions;
- ``projects``: projects, the plan of approach, participations and screening;
- ``due_items``: the timed steps (due items);
- ``links``: HIS and pharmacy patients confirmed as the same person;
- ``prevention``: the agreements GPs make with new starters;
- ``audit``: the append-only audit trail.
"""

from .audit import AuditChainAlert, AuditCheckpoint, AuditEvent, AuditEventPatient
from .clinical_data import ImportBatch, ImportBatchStatus, Patient, Prescription, Substance
from .due_items import DueItem, DueItemKind
from .links import PatientLink, PatientLinkDecision
from .organisation import (
    COMPLEX_ATC_EXCEPTIONS,
    COMPLEX_ATC_PREFIXES,
    PRIVACY_OFFICER_ROLES,
    FtoGroup,
    GpNameMapping,
    Membership,
    Practice,
    Role,
)
from .outcomes import (
    OUTCOMES_NEEDING_REASON,
    OUTCOMES_OUT_OF_DENOMINATOR,
    ParticipationOutcome,
)
from .prevention import AgreementEnd, StarterAgreement
from .projects import (
    LASTING_REASONS,
    WAIT_DAYS_MESSAGE,
    WAIT_DAYS_MIN,
    EvaluationMonths,
    ExclusionReason,
    GroslijstSource,
    Participation,
    ParticipationEvent,
    ParticipationStatus,
    PlanMilestone,
    PlanStep,
    Project,
    ProjectCriterion,
    ProjectStatus,
    ScreeningDecision,
    ScreeningDecisionChoice,
)

__all__ = [
    "COMPLEX_ATC_EXCEPTIONS",
    "COMPLEX_ATC_PREFIXES",
    "PRIVACY_OFFICER_ROLES",
    "LASTING_REASONS",
    "OUTCOMES_NEEDING_REASON",
    "OUTCOMES_OUT_OF_DENOMINATOR",
    "WAIT_DAYS_MESSAGE",
    "WAIT_DAYS_MIN",
    "AgreementEnd",
    "AuditChainAlert",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditEventPatient",
    "DueItem",
    "DueItemKind",
    "EvaluationMonths",
    "ExclusionReason",
    "FtoGroup",
    "GpNameMapping",
    "ImportBatch",
    "ImportBatchStatus",
    "Membership",
    "Participation",
    "ParticipationEvent",
    "ParticipationOutcome",
    "ParticipationStatus",
    "Patient",
    "PlanMilestone",
    "PlanStep",
    "Practice",
    "Prescription",
    "Project",
    "ProjectCriterion",
    "GroslijstSource",
    "PatientLink",
    "PatientLinkDecision",
    "ProjectStatus",
    "Role",
    "ScreeningDecision",
    "ScreeningDecisionChoice",
    "StarterAgreement",
    "Substance",
]
