"""The relapse-prevention plan's parts as plain data (docs/domain.md#relapse-plan): the
three phases, the texts per phase, one person around the patient, and the content of a
version. No database here; the services and pages build on it."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

# The phases, in the order of the plan and the printout.
PHASES = {
    "stable": _("Stable: how it goes when it goes well"),
    "early": _("Early signals: the first signs that it is going less well"),
    "worse": _("Deterioration: when it is going badly"),
}
# The texts of each phase.
PHASE_FIELDS = {
    "thoughts": _("Thoughts"),
    "behaviour": _("Behaviour"),
    "feelings": _("Feelings"),
    "body": _("Body"),
    "helps": _("What helps"),
    "contact": _("Whom to contact, and when"),
}
MAX_TEXT = 2000


@dataclass(frozen=True)
class Person:
    """Someone around the patient with a role in the plan."""

    name: str
    relation: str = ""
    role: str = ""
    may_contact: bool = False

    def as_json(self) -> dict:
        return {"name": self.name, "relation": self.relation, "role": self.role,
                "may_contact": self.may_contact}

    @classmethod
    def from_json(cls, data: dict) -> "Person":
        return cls(name=str(data.get("name", "")), relation=str(data.get("relation", "")),
                   role=str(data.get("role", "")), may_contact=bool(data.get("may_contact")))


@dataclass(frozen=True)
class PlanContent:
    """What a version says. ``phases`` holds every phase and field (empty text if unsaid)."""

    phases: dict[str, dict[str, str]] = field(default_factory=dict)
    safety: str = ""
    people: tuple[Person, ...] = ()
    update_on: date | None = None

    def phases_json(self) -> dict[str, dict[str, str]]:
        return {phase: {name: clean_text(self.phases.get(phase, {}).get(name, ""))
                        for name in PHASE_FIELDS} for phase in PHASES}

    def people_json(self) -> list[dict]:
        return [Person(name=" ".join(p.name.split()), relation=" ".join(p.relation.split()),
                       role=clean_text(p.role), may_contact=p.may_contact).as_json()
                for p in self.people if p.name.strip()]

    def is_empty(self) -> bool:
        return not (any(text for phase in self.phases_json().values()
                        for text in phase.values())
                    or self.safety.strip() or self.people_json())


def clean_text(text: str) -> str:
    """Trailing spaces and blank lines at the ends gone; line breaks kept."""
    lines = [line.rstrip() for line in str(text).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()[:MAX_TEXT]


def content_of(version) -> PlanContent:
    """The content of a stored ``RelapsePlanVersion``."""
    return PlanContent(phases={phase: {name: version.phases.get(phase, {}).get(name, "")
                                       for name in PHASE_FIELDS} for phase in PHASES},
                       safety=version.safety,
                       people=tuple(Person.from_json(p) for p in version.people),
                       update_on=version.update_on)
