"""Progress of a project's result targets (docs/domain.md#result-targets, SPEC step 9)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from patients.models import Project

from .measures import BY_KEY
from .models import MonthlySnapshot, ResultTarget
from .snapshots import figures


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands on a date.

    ``current`` is the measure's value on the date (on the deadline once it has passed);
    for a target per GP it is the value of the GP furthest from the target, and
    ``per_gp`` holds every GP's value. ``reached``: the value is on the good side of the
    target or on it (at most the target when low is good, at least it otherwise).
    """

    target: ResultTarget
    measured_on: date
    current: Decimal | None
    reached: bool
    days_left: int  # 0 on and after the deadline
    per_gp: dict[str, Decimal] = field(default_factory=dict)

    @property
    def missed(self) -> bool:
        """The deadline has come and the target is not reached."""
        return self.days_left == 0 and not self.reached


def _meets(value: Decimal, target: Decimal, low_is_good: bool) -> bool:
    return value <= target if low_is_good else value >= target


def target_progress(target: ResultTarget, as_of: date,
                    snapshot: MonthlySnapshot | None = None) -> TargetProgress:
    """The target's progress as of ``as_of``: measured then, or on the deadline if earlier
    (``snapshot``: the project's stored row already read, used when it is of that date)."""
    measure = BY_KEY[target.measure]
    low_is_good = bool(measure.low_is_good)
    measured_on = min(as_of, target.deadline)
    value = figures(target.project, measured_on, keys=[target.measure],
                    snapshot=snapshot)[target.measure]
    per_gp: dict[str, Decimal] = {}
    if target.per_gp:
        per_gp = {gp: Decimal(v) for gp, v in (value or {}).items()}
        values = per_gp.values()
        current = (max(values) if low_is_good else min(values)) if per_gp else None
    else:
        current = None if value is None else Decimal(value)
    reached = current is not None and _meets(current, target.value, low_is_good)
    return TargetProgress(target=target, measured_on=measured_on, current=current,
                          reached=reached, days_left=max((target.deadline - as_of).days, 0),
                          per_gp=per_gp)


def project_target_progress(*, project: Project, as_of: date,
                            snapshot: MonthlySnapshot | None = None,
                            targets: list[ResultTarget] | None = None) -> list[TargetProgress]:
    """Every result target of the project (or ``targets``, read already) with its progress,
    by deadline."""
    if targets is None:
        targets = list(ResultTarget.objects.filter(project=project).select_related(
            "project__practice"))
    return [target_progress(t, as_of, snapshot)
            for t in sorted(targets, key=lambda t: (t.deadline, t.pk))]
