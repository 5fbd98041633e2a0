"""The demo data of ``manage.py demo`` (docs/development.md#the-demo).

Two practices of the FTO group "FTO Rijn en IJssel", each with one user per role, a
synthetic prescription export of invented patients up to today, a finished earlier
round about a year ago (``earlier_round.py``) and a running project with the GP's
screening queue. The monitor of the group is a member of both practices.

``demo_load`` adds only what is missing: run again, it changes nothing and says so.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from patients.importing.load import import_file
from patients.models import FtoGroup, GpNameMapping, Membership, Practice, Project, Role
from patients.plan_defaults import default_planned_end
from patients.selectors import groslijst_rows
from patients.services import (
    gp_names_confirm_suggestions,
    participations_from_groslijst,
    project_create,
)

from .earlier_round import Team, round_load
from .new_starters import new_starters_load
from .pharmacy import pharmacy_load
from .script import round_script
from .snapshots import demo_snapshots

DEMO_PASSWORD = "demo-benzo-2026"  # nosec B105 - the demo's logins, shown on screen
GROUP = "FTO Rijn en IJssel"
EXPORT_NAME = "demo-his-export.csv"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    export_name: str = ""  # a GP: the name the practice's exports write


@dataclass(frozen=True)
class DemoPractice:
    code: str
    name: str
    address: dict[str, str]
    list_size: int
    users: tuple[DemoUser, ...]
    export_patients: int  # the synthetic export of today: invented patients
    seed: int
    round_counts: dict[str, int]  # the earlier round: patients per course (script.KINDS)
    first_number: int  # the round's patient numbers start here


MONITOR = DemoUser("monitor", "Anouk", "Bakker", Role.MONITOR)  # the group's, in both practices
PRACTICES = (
    DemoPractice(
        code="DELINDE", name="Huisartsenpraktijk De Linde", list_size=6200,
        address={"street": "Lindelaan 12", "postcode": "6871 AB", "city": "Renkum",
                 "phone": "0317-123456", "email": "info@delinde.example"},
        users=(DemoUser("poh", "Sanne", "Visser", Role.POH_GGZ),
               DemoUser("huisarts", "Mehmet", "Öztürk", Role.HUISARTS, "M. Öztürk"),
               DemoUser("huisarts2", "Sophie", "van Dam", Role.HUISARTS, "S. van Dam"),
               DemoUser("assistent", "Lotte", "de Jong", Role.ASSISTENT),
               DemoUser("apotheker", "Pieter", "Mulder", Role.APOTHEKER),
               MONITOR,
               DemoUser("beheerder", "Ruud", "Smit", Role.BEHEERDER)),
        export_patients=2000, seed=7, first_number=900001,
        round_counts={"excluded": 3, "died": 1, "moved": 1, "not_reached": 3, "declined": 4,
                      "not_now": 2, "referred": 1, "already_stopped": 1, "stopped": 8,
                      "restarted": 2, "reduced": 6, "unchanged": 3}),
    DemoPractice(
        code="DEBRINK", name="Huisartsenpraktijk De Brink", list_size=3100,
        address={"street": "Brinkstraat 3", "postcode": "6861 CK", "city": "Oosterbeek",
                 "phone": "026-3334455", "email": "info@debrink.example"},
        users=(DemoUser("poh-brink", "Fatima", "el Amrani", Role.POH_GGZ),
               DemoUser("huisarts-brink", "Esther", "Kramer", Role.HUISARTS, "E. Kramer"),
               DemoUser("assistent-brink", "Iris", "Hoekstra", Role.ASSISTENT),
               DemoUser("apotheker-brink", "Bram", "Koster", Role.APOTHEKER),
               MONITOR,
               DemoUser("beheerder-brink", "Joost", "Verhoef", Role.BEHEERDER)),
        export_patients=800, seed=11, first_number=900001,
        round_counts={"excluded": 1, "moved": 1, "not_reached": 1, "declined": 2,
                      "not_now": 1, "stopped": 4, "restarted": 1, "reduced": 2,
                      "unchanged": 1}),
)


def demo_logins() -> list[tuple[str, DemoUser]]:
    """(where, user) of every demo login, in the order of the README's table: the practice,
    or the FTO group for the monitor, who is a member of each of its practices."""
    seen: set[str] = set()
    rows = []
    for practice in PRACTICES:
        for user in practice.users:
            if user.username not in seen:
                seen.add(user.username)
                rows.append((GROUP if user is MONITOR else practice.name, user))
    return rows


def demo_load(*, today: date, say: Callable[[str], None]) -> bool:
    """Add what is missing of the demo; returns whether anything changed."""
    group, group_new = FtoGroup.objects.get_or_create(name=GROUP)
    changed = group_new
    password = _PasswordCheck()
    for spec in PRACTICES:
        practice, new = Practice.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "list_size": spec.list_size,
                                      "fto_group": group, **spec.address})
        if new:
            say(f"Created demo practice {practice.name}.")
        made = {u.username: _user(u, practice, password) for u in spec.users}
        users = {name: user for name, (user, _fresh) in made.items()}
        changed |= new or password.changed or any(fresh for _user, fresh in made.values())
        changed |= _practice_data(practice, spec, users, today, say)
    practices = list(Practice.objects.filter(code__in=[spec.code for spec in PRACTICES]))
    return demo_snapshots(practices=practices, today=today, changed=changed, say=say) or changed


class _PasswordCheck:
    """Checks each user's password against the demo one, hashing it only once: every
    demo user gets the same hash, so a second run compares strings (PBKDF2 takes a
    noticeable fraction of a second per call)."""

    def __init__(self) -> None:
        self.known_good: set[str] = set()
        self.encoded = ""
        self.changed = False

    def ensure(self, user) -> None:
        if user.password in self.known_good:
            return
        if user.password and user.check_password(DEMO_PASSWORD):  # a new user has none
            self.known_good.add(user.password)
            return
        self.encoded = self.encoded or make_password(DEMO_PASSWORD)
        user.password = self.encoded
        self.known_good.add(self.encoded)
        user.save(update_fields=["password"])
        self.changed = True


def _user(spec: DemoUser, practice: Practice, password: _PasswordCheck):
    """The user and whether anything about it was new."""
    admin = spec.role == Role.BEHEERDER
    user, new = get_user_model().objects.get_or_create(
        username=spec.username, defaults={"first_name": spec.first_name, "is_staff": admin,
                                          "last_name": spec.last_name, "is_superuser": admin})
    password.ensure(user)
    # The demo's administrator is the practice's privacy officer, so the access log can be
    # tried (docs/security.md#reading-the-access-log).
    membership, joined = Membership.objects.get_or_create(
        user=user, practice=practice, defaults={"role": spec.role, "privacy_officer": admin})
    if membership.role != spec.role:  # changed by hand: the demo's role again
        membership.role = spec.role
        membership.save(update_fields=["role"])
        joined = True
    return user, new or joined


def _practice_data(practice: Practice, spec: DemoPractice, users: dict, today: date,
                   say: Callable[[str], None]) -> bool:
    by_role = {u.role: users[u.username] for u in reversed(spec.users)}  # the first per role
    gps = [users[u.username] for u in spec.users if u.role == Role.HUISARTS]
    lead, assistant = by_role[Role.POH_GGZ], by_role[Role.ASSISTENT]
    changed = False
    if not practice.projects.filter(status=Project.Status.CLOSED).exists():
        script = round_script(
            today=today, counts=spec.round_counts, city=spec.address["city"],
            postcode=spec.address["postcode"], first_number=spec.first_number, seed=spec.seed,
            gps=tuple(u.export_name for u in spec.users if u.export_name))
        team = Team(lead=lead, assistant=assistant,
                    gps={u.export_name: users[u.username] for u in spec.users if u.export_name})
        project = round_load(practice=practice, team=team, script=script,
                             name=f"Benzoreductie {script.start.year}")
        say(f"Played the earlier round {project.name} of {practice.name}: "
            f"{project.participations.count()} patients, letters of "
            f"{script.letters_on[0]:%d-%m-%Y} and {script.letters_on[1]:%d-%m-%Y}, closed.")
        changed = True
    running = practice.projects.exclude(status=Project.Status.CLOSED).first()
    if running is None:
        start = today.replace(day=1)
        running = project_create(
            user=lead, practice=practice,
            data={"name": f"Benzoreductie {practice.name.split(' ', 1)[1]}", "lead": lead,
                  "planned_start": start, "planned_end": default_planned_end(start),
                  "status": Project.Status.RUNNING},
            gps=gps, assistants=[assistant])
        changed = True
    if not practice.imports.filter(file_name=EXPORT_NAME).exists():
        _import_export(practice, lead, spec, today, say)
        changed = True
    if spec is PRACTICES[0]:  # a few new starters (prevention) in the demo practice
        changed |= new_starters_load(
            practice=practice, importer=lead, today=today, say=say,
            gps={u.export_name: users[u.username] for u in spec.users if u.export_name})
    confirmed = gp_names_confirm_suggestions(user=lead, practice=practice)
    if confirmed:
        say(f"Confirmed {confirmed} GP names of the export.")
        changed = True
    changed |= _fill_screening(running, lead, today, say)
    if spec is PRACTICES[0]:  # after the queue, which counts only the HIS export then
        changed |= pharmacy_load(practice=practice, importer=lead, today=today, say=say)
    return changed


EXPORT_MONTHS = 36


def _import_export(practice: Practice, user, spec: DemoPractice, today: date,
                   say: Callable[[str], None]) -> None:
    """A synthetic HIS export of invented patients up to today, imported once."""
    from bench.generate import generate  # the benchmark's generator, small here

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo_his.csv"
        # Three years of history with long-term users, so the earlier round (a year and a
        # half back) starts from a groslijst as full as today's.
        generate(path, layout="his", patients=spec.export_patients, seed=spec.seed,
                 reference=today, months=EXPORT_MONTHS, long_term=True)
        batch = import_file(practice=practice, user=user, data=path.read_bytes(),
                            file_name=EXPORT_NAME)
    say(f"Imported {batch.rows_new} demo prescriptions into {practice.name} "
        f"({batch.rows_rejected} rows rejected, as in real exports).")


def _fill_screening(project: Project, user, today: date, say: Callable[[str], None]) -> bool:
    """The running project's GP screening queue: the first 20 chronic users of today whose
    GP (by the confirmed GP names) takes part in the project."""
    if project.participations.exists():
        return False
    practice = project.practice
    own = set(GpNameMapping.objects.filter(
        practice=practice, user__in=project.gps.all(), confirmed_at__isnull=False)
        .values_list("export_name", flat=True))
    chronic = [r.patient_id for r in groslijst_rows(practice=practice, reference_date=today,
                                                    source=project.groslijst_source)
               if r.meets(project.criterion) and r.gp_name in own][:20]
    added = participations_from_groslijst(
        user=user, project=project, patients=list(practice.patients.filter(pk__in=chronic)),
        reference_date=today)
    say(f"Put {added} chronic users in the GP's screening queue of {practice.name}.")
    return True
