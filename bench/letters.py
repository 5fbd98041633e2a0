"""Letter benchmark steps, each run by ``python -m bench`` in a fresh child process.

    python -m bench.letters setup N     practice LBENCH with N patients on a mailing list
    python -m bench.letters baseline    WeasyPrint alone: the same letters' HTML → one PDF
    python -m bench.letters run         the app's print run of those letters

``DATABASE_URL`` names the letters' scratch database (``setup`` refuses any
other: it empties the print-run tables). ``MEDIA_ROOT`` should be a scratch
folder. Each step prints one ``BENCH-RESULT {json}`` line.
"""

import argparse
import os
import sys
import time
from datetime import date

from .images import practice_logo_png, signature_png
from .steps import report

LETTERS_DATABASE = "benzoreductie_bench_letters"
PRACTICE_CODE = "LBENCH"
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
            "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk"]
PRODUCTS = [("N05CD07", "20"), ("N05BA04", "10"), ("N05BA06", "1"), ("N05BA01", "5"),
            ("N05CF01", "7.5"), ("N05BA12", "0.5")]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")
    import django

    django.setup()


def _project():
    from patients.models import Project

    return Project.objects.select_related("practice", "lead").get(
        practice__code=PRACTICE_CODE, name="Benchmark letters")


def step_setup(count: int) -> None:
    """The practice, its people, logo and signature, and ``count`` patients on the mailing
    list, each with a benzodiazepine prescription; earlier print runs removed."""
    _django()
    import uuid
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from letters.services import gp_signature_set, practice_logo_set
    from patients.models import (
        ImportBatch,
        Membership,
        Participation,
        Patient,
        Practice,
        Prescription,
        Role,
        Substance,
    )
    from patients.services import project_create
    from patients.workflow import participation_move

    if connection.settings_dict["NAME"] != LETTERS_DATABASE:
        sys.exit(f"refusing to empty tables in {connection.settings_dict['NAME']!r}")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE letters_letter, letters_letterrun CASCADE")
    practice, _ = Practice.objects.get_or_create(code=PRACTICE_CODE, defaults={
        "name": "Huisartsenpraktijk De Benchmark", "street": "Lindelaan 12",
        "postcode": "6871 AB", "city": "Renkum", "phone": "0317-123456",
        "email": "info@benchmark.example"})
    users = {}
    for username, first, last, role in [("lb-poh", "Sanne", "Visser", Role.POH_GGZ),
                                        ("lb-gp", "Mehmet", "Öztürk", Role.HUISARTS),
                                        ("lb-gp2", "Sophie", "van Dam", Role.HUISARTS),
                                        ("lb-assistent", "Lotte", "de Jong", Role.ASSISTENT)]:
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last})
        Membership.objects.get_or_create(user=user, practice=practice, defaults={"role": role})
        users[username] = user
    if not practice.logo:
        practice_logo_set(practice=practice, data=practice_logo_png(), user=users["lb-poh"])
    gp_signature_set(practice=practice, user=users["lb-gp"], data=signature_png())
    try:
        project = _project()
    except Exception:
        project = project_create(
            user=users["lb-poh"], practice=practice,
            data={"name": "Benchmark letters", "lead": users["lb-poh"],
                  "planned_start": date(2026, 9, 1), "planned_end": date(2027, 6, 1)},
            gps=[users["lb-gp"], users["lb-gp2"]], assistants=[users["lb-assistent"]])
    have = Participation.objects.filter(project=project, status="mailing").count()
    gp = users["lb-gp"]
    substances = {s.atc: s for s in Substance.objects.all()}
    with transaction.atomic():
        batch = ImportBatch.objects.create(practice=practice, file_name="bench", status="done",
                                           checksum=uuid.uuid4().hex)
        for i in range(have, count):
            surname = SURNAMES[i % len(SURNAMES)]
            prefix, _, last = surname.rpartition(" ")
            patient = Patient.objects.create(
                practice=practice, source="his", number=f"LB{i:06d}", surname=last,
                prefix=prefix, initials="ABCDEFGHJKLMNPRSTW"[i % 18] + ".",
                sex="V" if i % 2 else "M", street="Molenlaan", house_number=str(i + 1),
                postcode="6874 JC", city="Zevenaar",
                gp_name="M. Öztürk" if i % 3 else "S. van Dam")
            atc, strength = PRODUCTS[i % len(PRODUCTS)]
            Prescription.objects.create(
                patient=patient, date=date(2026, 7, 1 + i % 28), atc=atc,
                description=atc, strength_mg=Decimal(strength), units=30,
                substance=substances.get(atc), row_key=uuid.uuid4(), batch=batch)
            participation = Participation.objects.create(
                project=project, patient=patient, reference_date=date(2026, 9, 15),
                created_by=gp)
            participation_move(participation=participation, to="approved", user=gp, what="b")
            participation_move(participation=participation, to="mailing", user=gp, what="b",
                               fields={"rank": i + 1})
    report(mailing=Participation.objects.filter(project=project, status="mailing").count())


def _fragments():
    """The run's letters' HTML, made by the app's own code (not timed)."""
    from django.utils import timezone

    from letters.models import LetterKind
    from letters.render import document_html
    from letters.selectors import letter_data_for, letter_text_for, run_candidates
    from letters.services.shared import fragments

    project = _project()
    participations = list(run_candidates(project=project))
    data = letter_data_for(project=project, participations=participations,
                           letter_date=timezone.localdate())
    letter_text = letter_text_for(practice=project.practice, kind=LetterKind.STOP)
    return fragments(LetterKind.STOP, letter_text, data), document_html, data[0].practice


def step_baseline() -> None:
    """WeasyPrint on its own: the same letters' HTML as one document, written as one PDF
    (the fastest way WeasyPrint makes that PDF: one document, fonts subset once)."""
    _django()
    from weasyprint import HTML

    fragments, document_html, practice = _fragments()
    html = document_html(fragments, practice=practice)
    started = time.perf_counter()
    pdf = HTML(string=html).render().write_pdf()
    seconds = time.perf_counter() - started
    report(seconds=seconds, letters=len(fragments), bytes=len(pdf))


def step_run() -> None:
    """The app's print run: create (queries, letter rows, audit), claim and render (HTML,
    WeasyPrint, page numbers, one PDF per letter, merged PDF, labels, files, rows)."""
    _django()
    from django.contrib.auth import get_user_model

    from letters.services import letter_run_claim, letter_run_create, letter_run_render
    from patients.models import Practice

    project = _project()
    user = get_user_model().objects.get(username="lb-assistent")
    Practice.objects.get(pk=project.practice_id)  # connection open before the clock starts
    started = time.perf_counter()
    run = letter_run_create(project=project, user=user)
    assert letter_run_claim(run_id=run.pk)
    run = letter_run_render(run_id=run.pk)
    seconds = time.perf_counter() - started
    report(seconds=seconds, letters=run.letter_count, pages=run.page_count)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.letters", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("setup").add_argument("count", type=int)
    steps.add_parser("baseline")
    steps.add_parser("run")
    args = parser.parse_args()
    if args.step == "setup":
        step_setup(args.count)
    elif args.step == "baseline":
        step_baseline()
    else:
        step_run()


if __name__ == "__main__":
    main()
