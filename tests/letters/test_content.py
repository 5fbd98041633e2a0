"""What the printed stop letter says, read from the PDF (docs/domain.md, step 4; issue 11,
point 7): the model letter's points, capsules, several benzodiazepines, no empty
placeholder, and no letters without the practice's phone number."""

from datetime import date

import pytest
from django.urls import reverse

from letters.models import Letter, LetterRun
from letters.selectors import IN_USE_MONTHS, benzodiazepines_in_use
from letters.services import (
    LettersRefused,
    letter_run_create,
    letter_run_start,
    letter_template_save,
)
from patients.groslijst import months_back
from tests.conftest import verified_client

from .helpers import on_mailing_list, pdf_pages_text, prescribe

TABLET_STEP = "Neem een week lang elke dag een kwart tablet minder dan nu."


def printed(project, user) -> list[str]:
    run = letter_run_create(project=project, user=user)
    letter_run_start(run=run)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY, run.message
    with run.merged_pdf.open("rb") as handle:
        return pdf_pages_text(handle.read())


def test_the_letter_covers_the_model_letters_points(letter_project, gp, assistant):
    on_mailing_list(letter_project, gp, sex="M", initials="J.", surname="Jansen",
                    atc="N05BA04", strength="10")
    [page] = printed(letter_project, assistant)
    assert "gebruikt u al lange tijd oxazepam 10 mg." in page
    for words in ("bedoeld voor korte tijd",  # short use only
                  "U kunt er ook afhankelijk van worden",
                  "Daarom is stoppen niet altijd makkelijk",
                  "angstig of onrustig",  # anxiety among the passing complaints
                  "De klachten gaan vanzelf weer over",
                  "Ik raad u aan om minder te gebruiken",  # the GP's own voice
                  "U kunt het ook.",  # encouragement
                  TABLET_STEP,
                  "Samen kijken we wat bij u past",
                  "Bel dan de praktijk op 0317-123456.",
                  # The close names the GP who signs and the POH-GGZ.
                  "S. van Dam, huisarts Sanne Visser, praktijkondersteuner GGZ"):
        assert words in page, words
    assert "capsule" not in page
    assert " ." not in page and "kijkt u" not in page


@pytest.mark.parametrize("description", ["Temazepam 20mg capsule", "N05CD07"])
def test_a_capsule_user_is_not_told_to_take_quarter_tablets(letter_project, gp, assistant,
                                                             description):
    participation = on_mailing_list(letter_project, gp, surname="Capsule", atc="")
    prescribe(participation.patient, "N05CD07", "20", date(2026, 7, 7), description)
    [page] = printed(letter_project, assistant)
    assert "gebruikt u al lange tijd temazepam 20 mg." in page
    assert "Uw middel zit in een capsule." in page
    assert "Bespreek daarom met Sanne Visser hoe u het beste kunt minderen." in page
    assert "kwart tablet" not in page


def test_temazepam_tablets_get_the_quarter_tablet_steps(letter_project, gp, assistant):
    participation = on_mailing_list(letter_project, gp, surname="Tablet", atc="")
    prescribe(participation.patient, "N05CD07", "10", date(2026, 7, 7),
              "Temazepam 10 mg tablet")
    [page] = printed(letter_project, assistant)
    assert TABLET_STEP in page and "capsule" not in page


def test_a_user_of_two_benzodiazepines_gets_a_letter_naming_both(letter_project, gp,
                                                                 assistant):
    participation = on_mailing_list(letter_project, gp, surname="Twee", atc="N05CD07",
                                    strength="10", prescribed_on=date(2026, 7, 7))
    prescribe(participation.patient, "N05BA04", "10", date(2026, 6, 1), "Oxazepam 10mg tablet")
    [page] = printed(letter_project, assistant)
    assert "Betreft: Uw gebruik van oxazepam en temazepam" in page
    assert "gebruikt u al lange tijd oxazepam 10 mg en temazepam 10 mg." in page
    # One of them is a capsule: no quarter tablets.
    assert "Uw middel zit in een capsule." in page and "kwart tablet" not in page


def test_a_benzodiazepine_given_up_long_before_is_not_named(letter_project, gp):
    latest = date(2026, 7, 7)
    participation = on_mailing_list(letter_project, gp, atc="N05BA04", strength="10",
                                    prescribed_on=latest)
    patient = participation.patient
    edge = months_back(latest, IN_USE_MONTHS)
    prescribe(patient, "N05BA06", "1", edge)  # on the first day of the months: named
    prescribe(patient, "N05CF01", "7.5", date.fromordinal(edge.toordinal() - 1))  # before
    found = benzodiazepines_in_use(practice=patient.practice, patient_ids=[patient.pk],
                                   on_or_before=date(2026, 11, 3))
    assert [m.phrase for m in found[patient.pk]] == ["lorazepam 1 mg", "oxazepam 10 mg"]


def test_a_missing_strength_rewrites_the_sentence(letter_project, gp, assistant):
    participation = on_mailing_list(letter_project, gp, surname="Zonder", atc="N05BA04",
                                    strength=None)
    prescribe(participation.patient, "N05BA06", "1", date(2026, 7, 1), "Lorazepam 1mg tablet")
    on_mailing_list(letter_project, gp, rank=2, surname="Niets", atc="")
    first, second = printed(letter_project, assistant)
    # The medicine without a strength comes last, so no strength seems to be its own.
    assert "gebruikt u al lange tijd lorazepam 1 mg en oxazepam." in first
    assert "gebruikt u al lange tijd uw slaapmiddel of kalmeringsmiddel." in second
    assert "Betreft: Uw gebruik van uw slaapmiddel of kalmeringsmiddel" in second


def test_an_old_own_text_with_an_empty_strength_shows_no_gap(letter_project, gp, assistant,
                                                              poh, practice):
    letter_template_save(practice=practice, kind="stop", subject="Over {middel} {sterkte}",
                         body="{aanhef},\n\nU gebruikt {middel} {sterkte}. Bel {telefoon}.",
                         user=poh)
    on_mailing_list(letter_project, gp, atc="N05BA04", strength=None)
    [page] = printed(letter_project, assistant)
    assert "U gebruikt oxazepam. Bel 0317-123456." in page
    assert "Betreft: Over oxazepam" in page and " ." not in page


@pytest.mark.parametrize("phone", ["", "   "])
def test_a_practice_without_a_phone_number_prints_nothing(letter_project, gp, assistant,
                                                          practice, phone):
    on_mailing_list(letter_project, gp)
    practice.phone = phone
    practice.save()
    with pytest.raises(LettersRefused, match="De praktijk heeft nog geen telefoonnummer"):
        letter_run_create(project=letter_project, user=assistant)
    assert not LetterRun.objects.exists() and not Letter.objects.exists()
    practice.phone = "0317-123456"
    practice.save()
    assert "Bel dan de praktijk op 0317-123456." in printed(letter_project, assistant)[0]


def test_the_mailing_screen_says_why_it_cannot_print(client, letter_project, gp, assistant,
                                                     practice):
    on_mailing_list(letter_project, gp)
    verified_client(assistant, client)
    url = reverse("letters:mailing", args=[letter_project.uuid])
    practice.phone = ""
    practice.save()
    page = client.get(url).content.decode()
    assert "De praktijk heeft nog geen telefoonnummer" in page
    assert 'id="printrun-maken" disabled' in page
    practice.phone = "0317-123456"
    practice.save()
    page = client.get(url).content.decode()
    assert "De praktijk heeft nog geen telefoonnummer" not in page
    assert 'id="printrun-maken" disabled' not in page
