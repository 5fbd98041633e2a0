"""Writes of the evaluation reflection (docs/domain.md#evaluation-report): the practice's
own words on what the figures do not show, one per project.

The page carries the version it showed; a save made from an older version (someone saved
in the meantime, or a second click) is refused and changes nothing. Each save is an audit
event naming the fields that changed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.audit import audit_log
from patients.models import AuditEvent, Project

from .models import EvaluationReflection

TEXT_MAX = 4000  # characters per text: a few paragraphs


class ReflectionStale(Exception):
    """The page showed an older version of the reflection: nothing was saved."""

    def __init__(self) -> None:
        self.message = _("Someone saved the reflection in the meantime. Nothing was saved: "
                         "read the current text below and save again.")
        super().__init__(self.message)


def reflection_of(project: Project) -> EvaluationReflection:
    """The project's reflection, or an empty unsaved one (version 0)."""
    found = EvaluationReflection.objects.filter(project=project).first()
    return found if found is not None else EvaluationReflection(project=project)


@transaction.atomic
def reflection_save(*, user, project: Project, expected_version: int,
                    another_round: str, **texts: str) -> EvaluationReflection:
    """Save the reflection when the page showed the version in force; else ReflectionStale."""
    Project.objects.select_for_update().get(pk=project.pk)
    reflection = reflection_of(project)
    if reflection.version != expected_version:
        raise ReflectionStale
    changed = [name for name in EvaluationReflection.TEXT_FIELDS
               if getattr(reflection, name) != texts[name].strip()[:TEXT_MAX]]
    if reflection.another_round != another_round:
        changed.append("another_round")
    for name in EvaluationReflection.TEXT_FIELDS:
        setattr(reflection, name, texts[name].strip()[:TEXT_MAX])
    reflection.another_round = another_round
    reflection.version += 1
    reflection.updated_at = timezone.now()
    reflection.updated_by = user
    reflection.save()
    audit_log(user=user, action=AuditEvent.Action.CREATE if reflection.version == 1
              else AuditEvent.Action.CHANGE, obj=reflection, practice=project.practice,
              detail=f"evaluation reflection version {reflection.version}; changed: "
                     f"{', '.join(changed) or 'nothing'}")
    return reflection
