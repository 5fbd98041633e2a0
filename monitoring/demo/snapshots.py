"""The demo's monthly snapshots: every month of each demo project computed at the end of
``demo_load``, so a first ``make run`` shows month-by-month lines (docs/domain.md#snapshots).

Idempotent and quick on a second run: a project's months are rebuilt only when the demo
changed something or the project has no snapshot yet.
"""

from collections.abc import Callable
from datetime import date

from patients.models import Practice

from ..snapshots import snapshots_rebuild


def demo_snapshots(*, practices: list[Practice], today: date, changed: bool,
                   say: Callable[[str], None]) -> bool:
    """Rebuild the months of the practices' projects; returns whether any were computed."""
    computed = False
    for practice in practices:
        for project in practice.projects.all():
            if not changed and project.snapshots.exists():
                continue
            n = snapshots_rebuild(project=project, today=today)
            say(f"Computed {n} monthly snapshots of {project.name} ({practice.name}).")
            computed = computed or n > 0
    return computed
