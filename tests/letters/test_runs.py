"""Print runs: the PDFs say the right things to the right patient, and mailing sets the
dates once (docs/domain.md, step 4; issue #5 acceptance)."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from letters.models import Letter, LetterKind, LetterRun
from letters.selectors import run_candidates
from letters.services import (
    LettersRefused,
    letter_run_cancel,
    letter_run_create,
    letter_run_mark_mailed,
    letter_run_render,
    letter_run_start,
    letter_template_save,
)
from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent

from .helpers import on_mailing_list, pdf_pages_text, prescribe, word_boxes_mm

S = Participation.Status


@pytest.fixture
def three(letter_project, gp):
    """Three patients on the mailing list, with different products and GPs."""
    return [
        on_mailing_list(letter_project, gp, rank=1, sex="V", initials="T.", prefix="van den",
                        surname="Berg", gp_name="M. Öztürk", atc="N05CD07", strength="20"),
        on_mailing_list(letter_project, gp, rank=2, sex="M", initials="J.", prefix="de",
                        surname="Vries", gp_name="S. van Dam", atc="N05BA04", strength="10"),
        on_mailing_list(letter_project, gp, rank=3, sex="V", initials="A.", prefix="",
                        surname="Bakker", gp_name="dr. Onbekend", atc="N05BA06",
                        strength="0.5"),
    ]


def make_run(project, user, **kwargs) -> LetterRun:
    run = letter_run_create(project=project, user=user, **kwargs)
    letter_run_start(run=run)
    run.refresh_from_db()
    return run


def test_each_letter_names_its_patient_product_poh_gp_and_the_practice_phone(
        letter_project, three, assistant):
    run = make_run(letter_project, assistant)
    assert run.status == LetterRun.Status.READY and run.letter_count == 3
    with run.merged_pdf.open("rb") as handle:
        pages = pdf_pages_text(handle.read())
    assert len(pages) == 3 == run.page_count  # one page per letter
    expected = [
        ("Geachte mevrouw Van den Berg,", "temazepam 20 mg", "M. Öztürk"),
        ("Geachte heer De Vries,", "oxazepam 10 mg", "S. van Dam"),
        # Her GP is not one of the project's: the project's first GP signs.
        ("Geachte mevrouw Bakker,", "lorazepam 0,5 mg", "S. van Dam"),
    ]
    for page, (salutation, product, signer) in zip(pages, expected, strict=True):
        assert salutation in page
        assert f"gebruikt u al lange tijd {product}" in page
        assert "Over ongeveer een maand nodigt Sanne Visser u uit" in page
        # The close names the signing GP and the POH-GGZ.
        assert f"{signer}, huisarts Sanne Visser, praktijkondersteuner GGZ" in page
        assert "0317-123456" in page
        assert "Betreft: Uw gebruik van " + product.split()[0] in page
    assert "Mevrouw T. van den Berg Molenlaan 64-2 6874 JC ZEVENAAR" in pages[0]
    # No letter runs over a page, so none has page numbers.
    assert not any("pagina" in page for page in pages)


def test_each_letter_has_its_own_pdf_and_the_labels_fit_three_by_eight(
        letter_project, three, assistant, gp):
    for i in range(3, 27):  # 27 letters: two label sheets, rendered by the worker path
        on_mailing_list(letter_project, gp, rank=i + 1, surname=f"Jansen{i}")
    run = letter_run_create(project=letter_project, user=assistant)
    assert letter_run_start(run=run) is False  # more than 25: queued for the worker
    from letters.services import letter_run_claim

    assert letter_run_claim(run_id=run.pk) and not letter_run_claim(run_id=run.pk)
    letter_run_render(run_id=run.pk)
    run.refresh_from_db()
    letters = list(run.letters.order_by("position"))
    assert len(letters) == 27
    for letter in letters:
        with letter.pdf.open("rb") as handle:
            [page] = pdf_pages_text(handle.read())
        assert letter.participation.patient.surname in page
        assert letter.page_count == 1
    with run.labels_pdf.open("rb") as handle:
        labels = PdfReader(handle)
        assert len(labels.pages) == 2
        box = labels.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == \
            (210, 297)
    with run.labels_pdf.open("rb") as handle:
        first, second = pdf_pages_text(handle.read())
    assert "Mevrouw T. van den Berg" in first and "ZEVENAAR" in first
    assert first.count("ZEVENAAR") == 24 and second.count("ZEVENAAR") == 3


def test_labels_sit_in_a_three_by_eight_grid(letter_project, three, assistant, tmp_path):
    run = make_run(letter_project, assistant)
    path = tmp_path / "labels.pdf"
    with run.labels_pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    boxes = [b for b in word_boxes_mm(path) if b[0] in ("Mevrouw", "De")]
    assert len(boxes) == 3
    # Label i (0-based) starts at column i % 3 × 70 mm, row i // 3 × 37 mm.
    for i, (_word, x0, y0, _x1, _y1) in enumerate(boxes):
        assert 70 * (i % 3) < x0 < 70 * (i % 3) + 20
        assert 37 * (i // 3) < y0 < 37 * (i // 3) + 15


def test_the_address_shows_through_a_dutch_window_envelope(letter_project, three, assistant,
                                                           tmp_path):
    run = make_run(letter_project, assistant)
    letter = run.letters.get(position=0)
    path = tmp_path / "letter.pdf"
    with letter.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    words = word_boxes_mm(path)
    address = [w for w in words if w[0] in ("Mevrouw", "Molenlaan", "ZEVENAAR")]
    assert len(address) == 3
    for _word, x0, y0, x1, y1 in address:
        # Window of a DL/C5 envelope: 20 mm from the left, 50 mm from the top, 90 × 45 mm.
        assert x0 >= 20 and x1 <= 110, (x0, x1)
        assert y0 >= 50 and y1 <= 95, (y0, y1)
    subject = next(w for w in words if w[0] == "Betreft:")
    assert subject[2] > 95  # the letter's text starts below the window


def test_a_letter_over_one_page_gets_page_numbers_and_the_others_do_not(
        letter_project, three, assistant, practice):
    long_body = "{aanhef},\n\n" + "\n\n".join(
        "Dit is een alinea van een lange brief. " * 6 for _ in range(14))
    # Only the long letter runs over: give one patient a long text via a separate kind.
    letter_template_save(practice=practice, kind=LetterKind.STOP, subject="Lang",
                         body=long_body, user=assistant)
    run = make_run(letter_project, assistant)
    with run.merged_pdf.open("rb") as handle:
        pages = pdf_pages_text(handle.read())
    counts = list(run.letters.order_by("position").values_list("page_count", flat=True))
    assert counts == [2, 2, 2] and len(pages) == 6 == run.page_count
    assert "pagina 1 van 2" in pages[0] and "pagina 2 van 2" in pages[1]
    assert "pagina 1 van 2" in pages[2]  # counts restart per letter


def test_the_product_is_the_latest_benzodiazepine_up_to_today(letter_project, gp, assistant):
    participation = on_mailing_list(letter_project, gp, atc="N05BA04", strength="50",
                                    prescribed_on=date(2026, 1, 5))
    patient = participation.patient
    prescribe(patient, "N05BA04", "10", date(2026, 6, 1))
    prescribe(patient, "N06AB04", "20", date(2026, 7, 1))  # an antidepressant, not counted
    prescribe(patient, "N05CD07", "20", timezone.localdate() + timedelta(days=3))  # future
    run = make_run(letter_project, assistant)
    with run.merged_pdf.open("rb") as handle:
        [page] = pdf_pages_text(handle.read())
    assert "gebruikt u al lange tijd oxazepam 10 mg" in page


def test_marking_mailed_sets_the_dates_once_and_a_second_click_changes_nothing(
        letter_project, three, assistant, poh):
    run = make_run(letter_project, assistant)
    mailed_on = timezone.localdate()
    assert letter_run_mark_mailed(run=run, user=assistant, mailed_on=mailed_on) == 3
    for participation in three:
        participation.refresh_from_db()
        assert participation.status == S.LETTER_SENT
        assert participation.letter_sent_on == mailed_on
        wait = DueItem.objects.get(participation=participation, kind="wait_ends")
        assert wait.due_on == mailed_on + timedelta(days=letter_project.wait_days)
        assert wait.assigned_to == poh
    assert set(Letter.objects.filter(run=run).values_list("mailed_on", flat=True)) == {mailed_on}
    run.refresh_from_db()
    assert (run.status, run.mailed_on, run.mailed_by) == (LetterRun.Status.MAILED, mailed_on,
                                                          assistant)
    events = ParticipationEvent.objects.count()
    audits = AuditEvent.objects.count()
    # A second click (another day, another user) changes nothing at all.
    assert letter_run_mark_mailed(run=run, user=poh, mailed_on=mailed_on - timedelta(days=1)
                                  ) is None
    run.refresh_from_db()
    assert (run.mailed_on, run.mailed_by) == (mailed_on, assistant)
    for participation in three:
        participation.refresh_from_db()
        assert participation.letter_sent_on == mailed_on
    assert ParticipationEvent.objects.count() == events
    assert AuditEvent.objects.count() == audits
    assert DueItem.objects.filter(kind="wait_ends").count() == 3


def test_a_mailing_date_in_the_future_or_before_printing_is_refused(letter_project, three,
                                                                     assistant):
    run = make_run(letter_project, assistant)
    today = timezone.localdate()
    with pytest.raises(LettersRefused, match="in de toekomst"):
        letter_run_mark_mailed(run=run, user=assistant, mailed_on=today + timedelta(days=1))
    with pytest.raises(LettersRefused, match="vóór de dag waarop de brieven zijn gemaakt"):
        letter_run_mark_mailed(run=run, user=assistant, mailed_on=today - timedelta(days=2))
    run.refresh_from_db()
    assert run.mailed_on is None
    assert not Participation.objects.filter(letter_sent_on__isnull=False).exists()


def test_a_patient_is_in_one_open_run_only_and_cancelling_frees_them(
        letter_project, three, assistant, gp, django_capture_on_commit_callbacks):
    run = make_run(letter_project, assistant)
    with pytest.raises(LettersRefused, match="geen patiënten die nog een brief moeten krijgen"):
        letter_run_create(project=letter_project, user=assistant)
    newcomer = on_mailing_list(letter_project, gp, rank=9, surname="Later")
    second = make_run(letter_project, assistant)
    assert list(second.letters.values_list("participation", flat=True)) == [newcomer.pk]
    files = [letter.pdf.path for letter in run.letters.all()] + [run.merged_pdf.path]
    with django_capture_on_commit_callbacks(execute=True):  # the files go on the commit
        assert letter_run_cancel(run=run, user=assistant)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.CANCELLED and not run.letters.exists()
    assert not any(os.path.exists(f) for f in files)
    assert {p.pk for p in run_candidates(project=letter_project)} == {p.pk for p in three}
    letter_run_mark_mailed(run=second, user=assistant, mailed_on=timezone.localdate())
    assert not letter_run_cancel(run=second, user=assistant)  # mailed: stays


def test_a_run_needs_a_gp_to_sign(project, three_without_gp, assistant):
    with pytest.raises(LettersRefused, match="nog geen huisarts"):
        letter_run_create(project=project, user=assistant)
    assert not LetterRun.objects.exists()


@pytest.fixture
def three_without_gp(project, users):
    from patients.models import Role

    return [on_mailing_list(project, users[Role.HUISARTS], rank=1)]


def test_an_unknown_placeholder_in_a_stored_text_stops_the_run_before_anything_is_made(
        letter_project, three, assistant, practice):
    from letters.models import LetterTemplate
    from letters.text import UnknownPlaceholders

    LetterTemplate.objects.create(practice=practice, kind=LetterKind.STOP, subject="x",
                                  body="{aanhef}, {bsn}")
    with pytest.raises(UnknownPlaceholders, match=r"\{bsn\}"):
        letter_run_create(project=letter_project, user=assistant)
    assert not LetterRun.objects.exists() and not Letter.objects.exists()


def test_a_failed_rendering_is_recorded_and_leaves_no_files(letter_project, three, assistant,
                                                            monkeypatch, settings):
    from letters import pdf

    run = letter_run_create(project=letter_project, user=assistant)

    def broken(*args, **kwargs):
        raise RuntimeError("pango is gone")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)  # labels fail after the letters
    with pytest.raises(RuntimeError):
        letter_run_start(run=run)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.FAILED
    assert run.message == "De brieven konden niet worden gemaakt."
    assert not run.merged_pdf and not any(run.letters.values_list("pdf", flat=True))
    media = settings.MEDIA_ROOT
    assert not list(media.rglob("*.pdf")) if media.exists() else True
    # A failed run does not hold its patients: the next run takes them.
    assert run_candidates(project=letter_project).count() == 3


def test_creating_and_mailing_a_run_is_audit_logged_per_patient(letter_project, three,
                                                                 assistant):
    run = make_run(letter_project, assistant)
    created = AuditEvent.objects.filter(object_type="letter", action="create")
    assert {e.patient_id for e in created} == {p.patient_id for p in three}
    letter_run_mark_mailed(run=run, user=assistant, mailed_on=timezone.localdate())
    mailed = AuditEvent.objects.filter(object_type="letter", action="change")
    assert {e.patient_id for e in mailed} == {p.patient_id for p in three}
    assert all(e.user == assistant for e in mailed)


def test_a_run_whose_worker_died_is_taken_over_once_its_claim_is_stale(letter_project, three,
                                                                       assistant, settings):
    from datetime import datetime

    from letters.services import letter_run_claim

    run = letter_run_create(project=letter_project, user=assistant)
    assert letter_run_claim(run_id=run.pk)
    assert not letter_run_claim(run_id=run.pk)  # a second worker (or message) keeps off
    assert not letter_run_cancel(run=run, user=assistant)  # being made: not now
    # The worker died; its claim is older than the task time limit (30 min) + 5 min.
    LetterRun.objects.filter(pk=run.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 301))
    assert letter_run_claim(run_id=run.pk)  # the redelivered task takes it over
    letter_run_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY and run.page_count == 3
    assert isinstance(run.claimed_at, datetime)


def test_an_invitation_run_names_the_appointment_and_moves_nobody(letter_project, gp,
                                                                  assistant, poh):
    from patients.workflow import participation_move

    participation = on_mailing_list(letter_project, gp, sex="V", initials="T.",
                                    prefix="van den", surname="Berg")
    run = make_run(letter_project, assistant)
    letter_run_mark_mailed(run=run, user=assistant, mailed_on=timezone.localdate())
    participation.refresh_from_db()
    participation_move(participation=participation, to=S.CALLBACK_DUE, user=None, what="wait")
    consult = timezone.make_aware(timezone.datetime(2026, 12, 8, 10, 30))
    participation_move(participation=participation, to=S.CONSULT_PLANNED, user=poh,
                       what="agrees", fields={"consult_at": consult})
    invitations = make_run(letter_project, assistant, kind=LetterKind.INVITATION)
    assert invitations.letter_count == 1
    with invitations.merged_pdf.open("rb") as handle:
        [page] = pdf_pages_text(handle.read())
    assert "Betreft: Uitnodiging voor een gesprek over temazepam" in page
    assert "Op dinsdag 8 december 2026 om 10.30 uur, in de praktijk." in page
    assert "U praat met Sanne Visser, praktijkondersteuner GGZ." in page
    assert letter_run_mark_mailed(run=invitations, user=assistant,
                                  mailed_on=timezone.localdate()) == 0
    participation.refresh_from_db()
    assert participation.status == S.CONSULT_PLANNED
    assert ParticipationEvent.objects.filter(
        participation=participation,
        what=f"uitnodiging voor een gesprek verstuurd op {timezone.localdate():%d-%m-%Y}").exists()
    with pytest.raises(LettersRefused, match="geen patiënten"):  # one invitation each
        letter_run_create(project=letter_project, user=assistant, kind=LetterKind.INVITATION)
