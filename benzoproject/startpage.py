"""The registry behind the start page ("Mijn taken"); see docs/architecture.md.

The core knows none of the apps built on it. Each app registers its own sources
in ``AppConfig.ready()`` with :func:`startpage_source`. A source receives the
user, practice, role and day and returns :class:`StartItems`: lines for the
shared list of open work (``#open-werk``) and/or a panel of its own (a template
partial with its context) for what needs its own look.

The page shows the sources in ``order``; a panel marked ``side`` goes to the side
column. The shared work list sits at ``WORK_LIST_ORDER``: sources with a lower order
show their panel above it, the others below. Work items of all sources are listed per
project, in project order.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from patients.models import Practice, Project

WORK_LIST_ORDER = 50


@dataclass(frozen=True)
class WorkItem:
    """One line of the work list: what to do, where it is done, for which project."""

    text: str
    url: str
    project: Project
    detail: str = ""


@dataclass(frozen=True)
class Panel:
    """A partial of its own; ``task=False`` for an aid (a button) that is not work to do,
    so it does not keep the empty state away; ``side=True`` for the side column (an
    overview beside the tasks, such as the practice's projects)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    task: bool = True
    side: bool = False


@dataclass(frozen=True)
class StartItems:
    """``patients``: the ids of the patients the panel or work names (for the access log:
    the start page records them, docs/security.md)."""

    work: tuple[WorkItem, ...] = ()
    panel: Panel | None = None
    patients: tuple[int, ...] = ()


NOTHING = StartItems()

SourceFunc = Callable[..., StartItems]  # (*, user, practice, role, today) -> StartItems


@dataclass(frozen=True)
class Source:
    name: str
    func: SourceFunc
    order: int
    roles: frozenset[str] | None  # None: every role


SOURCES: dict[str, Source] = {}


def startpage_source(name: str, *, order: int,
                     roles: Iterable[str] | None = None) -> Callable[[SourceFunc], SourceFunc]:
    """Register ``func(*, user, practice, role, today) -> StartItems`` under ``name``.

    The source is asked only for users whose role is in ``roles`` (every role when None).
    Registering a name again replaces the earlier source.
    """

    def register(func: SourceFunc) -> SourceFunc:
        SOURCES[name] = Source(name=name, func=func, order=order,
                               roles=None if roles is None else frozenset(roles))
        return func

    return register


@dataclass(frozen=True)
class Section:
    """A block of the page: either the shared work list or one source's panel."""

    work: tuple[WorkItem, ...] = ()
    panel: Panel | None = None


@dataclass(frozen=True)
class StartPage:
    sections: list[Section]
    side: list[Panel] = field(default_factory=list)
    patients: list[int] = field(default_factory=list)  # every patient the page names

    @property
    def empty(self) -> bool:
        return not any(s.work or (s.panel and s.panel.task) for s in self.sections)


def _project_order(item: WorkItem) -> tuple:
    project = item.project
    return (project.planned_start, project.name, project.pk)


def start_page(*, user, practice: Practice, role: str, today: date) -> StartPage:
    """Ask every source registered for ``role`` and lay out what they return."""
    sources = sorted((s for s in SOURCES.values() if s.roles is None or role in s.roles),
                     key=lambda s: (s.order, s.name))
    panels: list[tuple[int, Panel]] = []
    side: list[Panel] = []
    work: list[WorkItem] = []
    patients: list[int] = []
    for source in sources:
        items = source.func(user=user, practice=practice, role=role, today=today)
        work.extend(items.work)
        patients.extend(items.patients)
        if items.panel is not None and items.panel.side:
            side.append(items.panel)
        elif items.panel is not None:
            panels.append((source.order, items.panel))
    # A stable sort: within a project, the lines keep the sources' order.
    work.sort(key=_project_order)
    sections = [Section(panel=panel) for order, panel in panels if order < WORK_LIST_ORDER]
    if work:
        sections.append(Section(work=tuple(work)))
    sections += [Section(panel=panel) for order, panel in panels if order >= WORK_LIST_ORDER]
    return StartPage(sections=sections, side=side, patients=patients)
