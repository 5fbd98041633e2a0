"""The call guide on the call page: opening line, a reply per response, the voicemail text
(docs/domain.md, step 6; tapering/scripts.py)."""

from html import escape

import pytest
from django.urls import reverse
from django.utils import translation

from patients.models import Role, Substance
from tapering import scripts
from tapering.models import CallAttempt
from tests.tapering.test_callbacks import WAIT_END, mailed, sweep

R = CallAttempt.Response


@pytest.fixture
def call_page(project, users, client_for):
    poh = users[Role.POH_GGZ]
    poh.first_name, poh.last_name = "Sanne", "de Vries"
    poh.save()
    part = mailed(project, users)
    sweep(WAIT_END)
    url = reverse("tapering:call", kwargs={"project_uuid": project.uuid,
                                          "participation_uuid": part.uuid})
    return client_for(poh).get(url).content.decode()


@pytest.fixture
def dutch():
    with translation.override("nl"):
        yield


def test_the_call_page_opens_with_the_poh_and_the_practice(call_page):
    opening = call_page.split('id="openingszin">', 1)[1].split("</p>", 1)[0]
    assert opening.startswith("Goedendag, u spreekt met Sanne de Vries, praktijkondersteuner "
                              "bij Huisartsenpraktijk De Linde.")
    assert "brief die u van uw huisarts" in opening
    assert "aan de lijn" in call_page  # the hint: check who answered first


def test_each_response_shows_its_own_reply(call_page, dutch):
    assert set(scripts.REPLIES) == set(R.values)
    for value in R.values:
        reply = escape(str(scripts.REPLIES[value]))
        block = call_page.split(f'data-show-if="response={value}"', 1)[1].split("</div>", 1)[0]
        assert reply in block, value


def test_letter_not_received_checks_the_address_before_sending_again(dutch):
    reply = str(scripts.REPLIES[R.NOT_RECEIVED])
    assert "adres" in reply
    assert reply.index("adres") < reply.index("opnieuw")


def test_not_now_first_asks_what_makes_it_hard_then_agrees_a_later_call(dutch):
    reply = str(scripts.REPLIES[R.NOT_NOW])
    assert reply.index("moeilijk maakt") < reply.index("later nog een keer bel")


def test_tried_before_asks_permission_and_invites(dutch):
    reply = str(scripts.REPLIES[R.TRIED])
    assert "Mag ik" in reply and "uitnodigen voor een gesprek" in reply
    assert reply.rstrip().endswith("?")  # ends by asking, the choice stays with the patient


def test_the_voicemail_is_a_recorded_message_naming_no_medicine(call_page, dutch):
    voicemail = call_page.split('id="voicemail">', 1)[1].split("</p>", 1)[0]
    names = {n.lower() for pair in Substance.objects.values_list("name_nl", "name_en")
             for n in pair if n}
    assert len(names) > 10  # the reference table is loaded, so the check below can fail
    assert not [name for name in names if name in voicemail.lower()]
    for word in ("benzodiazepine", "slaapmiddel", "tablet", "medicijn", "pil"):
        assert word not in voicemail.lower()
    assert voicemail.startswith("Dit is een bericht van Sanne de Vries")
    assert "Huisartsenpraktijk De Linde" in voicemail
    assert "bel ik u nog een keer" in voicemail  # the practice tries again
    assert "0317-000000" in voicemail


def test_the_voicemail_without_a_practice_number_leaves_that_sentence_out(dutch):
    text = scripts.voicemail_text(poh="Sanne de Vries", practice="De Linde", phone=" ")
    assert "bellen op" not in text and "–" not in text
    assert "bel ik u nog een keer" in text
    with_phone = scripts.voicemail_text(poh="Sanne de Vries", practice="De Linde",
                                        phone="0317-123456")
    assert "zelf de praktijk bellen op 0317-123456" in with_phone
