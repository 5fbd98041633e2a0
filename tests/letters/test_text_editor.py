"""The letter-text editor: one page, and one view per button (preview, preview as PDF,
save, back to the default text), each for the GP and the POH-GGZ only."""

import pytest
from django.urls import reverse

from letters.models import LetterKind, LetterTemplate
from patients.models import AuditEvent, Role

from .helpers import on_mailing_list, pdf_pages_text

ACTIONS = ("template-preview", "template-preview-pdf", "template-save", "template-reset")
TEXT = {"subject": "Over uw slaapmiddel",
        "body": "{aanhef},\n\nWij schrijven u over uw {middel}. Bel ons op {telefoon}."}


def url(name: str, kind_slug: str = "stopbrief") -> str:
    return reverse(f"letters:{name}") + f"?soort={kind_slug}"


@pytest.fixture
def own_text(practice, poh):
    return LetterTemplate.objects.create(practice=practice, kind=LetterKind.STOP,
                                         subject="Eigen", body="{aanhef},\n\nEigen tekst.",
                                         updated_by=poh)


def test_each_button_posts_to_its_own_view_and_enter_previews(client_for, poh, own_text):
    page = client_for(poh).get(url("template-edit", "uitnodiging")).content.decode()
    for name in ACTIONS[:3]:
        assert f'formaction="{url(name, "uitnodiging")}"' in page
    assert "template-reset" not in page and "Terug naar de standaardtekst" not in page
    # The form's own target is the preview: Enter in a field previews, as before.
    assert f'<form method="post" action="{url("template-preview", "uitnodiging")}"' in page
    page = client_for(poh).get(url("template-edit")).content.decode()
    assert f'formaction="{url("template-reset")}"' in page  # an own text may be reset


def test_the_preview_shows_the_unsaved_text_for_the_example_patient(client_for, poh,
                                                                    letter_project):
    response = client_for(poh).post(url("template-preview"), TEXT)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Geachte mevrouw De Vries," in page and "over uw oxazepam" in page
    assert 'value="Over uw slaapmiddel"' in page  # the text stays in the form
    assert not LetterTemplate.objects.exists()
    assert not AuditEvent.objects.filter(detail__startswith="letter preview").exists()


def test_the_preview_for_a_patient_is_logged_as_viewed(client_for, gp, letter_project):
    patient = on_mailing_list(letter_project, gp, sex="M", initials="J.", prefix="",
                             surname="Jansen")
    page = client_for(gp).post(url("template-preview"),
                               {**TEXT, "preview_for": patient.pk}).content.decode()
    assert "Geachte heer Jansen," in page
    event = AuditEvent.objects.get(detail="letter preview")
    assert event.action == "view" and event.patient == patient.patient and event.user == gp


def test_the_pdf_preview_is_a_pdf_of_the_unsaved_text_logged_as_an_export(
        client_for, poh, gp, letter_project):
    patient = on_mailing_list(letter_project, gp, sex="V", initials="A.", prefix="",
                             surname="Smit")
    response = client_for(poh).post(url("template-preview-pdf"),
                                    {**TEXT, "preview_for": patient.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="voorbeeld.pdf"'
    assert "Geachte mevrouw Smit," in pdf_pages_text(response.content)[0]
    event = AuditEvent.objects.get(detail="letter preview as PDF")
    assert event.action == "export" and event.patient == patient.patient
    assert not LetterTemplate.objects.exists()


def test_a_pdf_preview_of_a_refused_text_shows_the_editor_with_the_error(client_for, poh):
    response = client_for(poh).post(url("template-preview-pdf"),
                                    {"subject": "x", "body": "{aanhef}, {bsn}"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Onbekend invulveld: {bsn}." in response.content.decode()


def test_save_stores_the_text_and_returns_to_the_editor(client_for, poh, practice):
    client = client_for(poh)
    response = client.post(url("template-save", "opnieuw-versturen"), TEXT)
    assert response.status_code == 302
    assert response.url == url("template-edit", "opnieuw-versturen")
    stored = LetterTemplate.objects.get(practice=practice)
    assert stored.kind == LetterKind.RESEND and stored.subject == TEXT["subject"]
    assert stored.body == TEXT["body"] and stored.updated_by == poh
    page = client.get(response.url).content.decode()
    assert "Brieftekst opgeslagen." in page and "eigen tekst" in page


def test_reset_brings_back_the_default_text(client_for, gp, practice, own_text):
    client = client_for(gp)
    response = client.post(url("template-reset"))
    assert response.status_code == 302 and response.url == url("template-edit")
    assert not LetterTemplate.objects.exists()
    assert AuditEvent.objects.get(object_type="lettertemplate", action="delete").user == gp
    page = client.get(response.url).content.decode()
    assert "De standaardtekst is teruggezet." in page and "Eigen tekst." not in page


def test_an_unknown_kind_of_letter_is_not_found(client_for, poh):
    client = client_for(poh)
    assert client.get(url("template-edit", "brochure")).status_code == 404
    for name in ACTIONS:
        assert client.post(url(name, "brochure"), TEXT).status_code == 404, name


def test_the_action_views_take_only_posts_and_the_editor_only_gets(client_for, poh):
    client = client_for(poh)
    for name in ACTIONS:
        assert client.get(url(name)).status_code == 405, name
    assert client.post(url("template-edit"), {**TEXT, "action": "save"}).status_code == 405
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.BEHEERDER])
def test_other_roles_may_not_use_any_of_the_editors_buttons(client_for, users, role, own_text):
    client = client_for(users[role])
    for name in ACTIONS:
        assert client.post(url(name), TEXT).status_code == 403, name
    assert client.get(url("template-edit")).status_code == 403
    stored = LetterTemplate.objects.get()
    assert stored.subject == "Eigen"  # neither saved over nor reset


@pytest.mark.parametrize("role", [Role.HUISARTS, Role.POH_GGZ])
def test_the_gp_and_the_poh_may_use_every_button(client_for, users, role, letter_project):
    client = client_for(users[role])
    assert client.post(url("template-preview"), TEXT).status_code == 200
    assert client.post(url("template-preview-pdf"), TEXT).status_code == 200
    assert client.post(url("template-save"), TEXT).status_code == 302
    assert LetterTemplate.objects.get().updated_by == users[role]
    assert client.post(url("template-reset")).status_code == 302
    assert not LetterTemplate.objects.exists()



def test_the_editor_says_when_the_practice_cannot_print_for_lack_of_a_phone_number(
        client_for, poh, practice):
    practice.phone = "0317-123456"
    practice.save()
    assert 'id="geen-telefoon"' not in client_for(poh).get(url("template-edit")).content.decode()
    practice.phone = ""
    practice.save()
    page = client_for(poh).get(url("template-edit")).content.decode()
    assert 'id="geen-telefoon"' in page and "nog geen telefoonnummer" in page
