"""The GP names of the exports, mapped to the practice's GP users: suggested by the app,
confirmed by the POH-GGZ, used for the letter's signer (docs/domain.md, step 4)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.selectors import signer_for
from patients.gp_names import GpUser, parse_export_name, suggest_gp
from patients.importing.load import import_file
from patients.models import AuditEvent, GpNameMapping, Role
from patients.selectors import gp_name_rows
from patients.services import gp_name_confirm
from tests.factories import MembershipFactory, PatientFactory, UserFactory

OZTURK = GpUser(1, "Mehmet", "Öztürk")
VAN_DAM = GpUser(2, "Sophie", "van Dam")
DE_JONG_L = GpUser(3, "Lotte", "de Jong")
DE_JONG_P = GpUser(4, "Pieter", "de Jong")
BAKKER = GpUser(5, "Anouk", "Bakker")
GPS = [OZTURK, VAN_DAM, DE_JONG_L, DE_JONG_P, BAKKER]


# --- The suggestion (a plain rule) -----------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("M. Öztürk", ("ozturk", "m")),
    ("dr. S. van Dam", ("dam", "s")),
    ("Van Dam, S.", ("dam", "s")),
    ("A.J. Bakker", ("bakker", "aj")),
    ("Mehmet Öztürk", ("ozturk", "m")),
    ("van Dam", ("dam", "")),
    ("J. van 't Veer", ("veer", "j")),
    ("R. Hoekstra-de Wit (waarnemer)", ("wit", "r")),
    ("", ("", "")),
    ("dokter", ("", "")),
])
def test_an_export_name_gives_surname_and_initials(name, expected):
    assert tuple(parse_export_name(name)) == expected


@pytest.mark.parametrize("name,expected", [
    ("M. Öztürk", OZTURK.id),
    ("M. OZTURK", OZTURK.id),  # case and accents do not count
    ("ozturk", OZTURK.id),
    ("dr. S. van Dam", VAN_DAM.id),
    ("Van Dam, S.", VAN_DAM.id),
    ("S. Dam", VAN_DAM.id),  # the surname's last word
    ("L. de Jong", DE_JONG_L.id),  # two GPs named de Jong: the initial decides
    ("P. de Jong", DE_JONG_P.id),
    ("de Jong", None),  # two fit and nothing tells them apart
    ("H. de Jong", None),  # the surname fits, the initial does not
    ("A.J. Bakker", BAKKER.id),
    ("K. Öztürk", None),
    ("E. Kramer", None),
    ("", None),
])
def test_the_app_suggests_the_one_gp_a_name_fits(name, expected):
    assert suggest_gp(name, GPS) == expected


def test_a_gp_without_a_first_name_matches_on_the_surname():
    assert suggest_gp("M. Öztürk", [GpUser(9, "", "Öztürk")]) == 9


# --- Import, mapping page, confirmation ------------------------------------------------

HEADER = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
          "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
          "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")


def _export(*rows: tuple[str, str]) -> bytes:
    lines = [f"{number};Berg;;T.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;06-1;{gp};"
             f"07-07-2026;N05CD07;Temazepam 20mg;20;mg;30;1 dd 1\r\n" for number, gp in rows]
    return (HEADER + "".join(lines)).encode("cp1252")


@pytest.fixture
def gps(practice, users):
    ozturk = users[Role.HUISARTS]
    ozturk.first_name, ozturk.last_name = "Mehmet", "Öztürk"
    ozturk.save()
    van_dam = UserFactory(username="vandam", first_name="Sophie", last_name="van Dam")
    MembershipFactory(user=van_dam, practice=practice, role=Role.HUISARTS)
    return ozturk, van_dam


def _import(practice, user, *rows, name="export.csv"):
    return import_file(practice=practice, user=user, data=_export(*rows), file_name=name)


def test_an_import_adds_each_new_gp_name_once(practice, users, gps):
    poh = users[Role.POH_GGZ]
    first = _import(practice, poh, ("1", "M. Öztürk"), ("2", "S. van Dam"), ("3", "M. Öztürk"),
                    ("4", ""))
    assert sorted(practice.gp_names.values_list("export_name", "first_seen_batch")) == [
        ("M. Öztürk", first.pk), ("S. van Dam", first.pk)]
    second = _import(practice, poh, ("1", "M. Öztürk"), ("5", "E. Kramer"), name="b.csv")
    assert practice.gp_names.count() == 3
    assert practice.gp_names.get(export_name="E. Kramer").first_seen_batch == second
    assert not practice.gp_names.exclude(user=None).exists()  # nothing confirmed by itself


def test_the_import_result_shows_the_new_unmapped_names(practice, users, gps, client_for):
    batch = _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"), ("2", "E. Kramer"))
    url = reverse("patients:import-detail", kwargs={"import_uuid": batch.uuid})
    html = client_for(users[Role.POH_GGZ]).get(url).content.decode()
    block = html[html.index('id="nieuwe-huisartsnamen"'):]
    assert "Nieuwe huisartsnamen" in block and "E. Kramer" in block and "M. Öztürk" in block
    assert "voorstel: Mehmet Öztürk" in block and "geen voorstel" in block
    assert reverse("patients:gp-names") in block
    # The pharmacist imports too but may not open the mapping page: no link leads there.
    html = client_for(users[Role.APOTHEKER]).get(url).content.decode()
    assert "E. Kramer" in html and reverse("patients:gp-names") not in html


def test_a_confirmed_name_is_no_longer_new_on_the_import_result(practice, users, gps,
                                                                client_for):
    batch = _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"))
    gp_name_confirm(user=users[Role.POH_GGZ], mapping=practice.gp_names.get(), gp=gps[0])
    url = reverse("patients:import-detail", kwargs={"import_uuid": batch.uuid})
    html = client_for(users[Role.POH_GGZ]).get(url).content.decode()
    assert 'id="nieuwe-huisartsnamen"' not in html


def test_the_mapping_page_lists_names_with_the_suggested_gp(practice, users, gps, client_for):
    _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"), ("2", "M. Öztürk"),
            ("3", "E. Kramer"))
    mapping = practice.gp_names.get(export_name="M. Öztürk")
    html = client_for(users[Role.POH_GGZ]).get(reverse("patients:gp-names")).content.decode()
    assert "Huisartsnamen in de exports" in html and "Nog 2 namen te bevestigen." in html
    row = html[html.index(f'id="naam-{mapping.uuid}"'):]
    row = row[:row.index("</tr>")]
    assert f'<option value="{gps[0].pk}" selected>Mehmet Öztürk</option>' in row
    assert "voorstel van de app, nog niet bevestigd" in row
    assert ">2</td>" in row  # two patients carry this name
    assert "geen voorstel: kies zelf de huisarts" in html


def test_the_poh_confirms_changes_and_says_none_of_our_gps(practice, users, gps, client_for):
    _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"))
    mapping = practice.gp_names.get()
    client = client_for(users[Role.POH_GGZ])
    url = reverse("patients:gp-name-confirm", kwargs={"name_uuid": mapping.uuid})
    response = client.post(url, {f"{mapping.uuid}-gp": gps[0].pk})
    assert response.status_code == 302
    assert response.url == reverse("patients:gp-names") + f"#naam-{mapping.uuid}"
    mapping.refresh_from_db()
    assert (mapping.user, mapping.confirmed_by) == (gps[0], users[Role.POH_GGZ])
    assert mapping.confirmed_at is not None
    client.post(url, {f"{mapping.uuid}-gp": gps[1].pk})
    mapping.refresh_from_db()
    assert mapping.user == gps[1]
    client.post(url, {f"{mapping.uuid}-gp": ""})
    mapping.refresh_from_db()
    assert mapping.user is None and mapping.confirmed
    assert AuditEvent.objects.filter(object_type="gpnamemapping", action="change").count() == 3
    html = client.get(reverse("patients:gp-names")).content.decode()
    assert "bevestigd op" in html and "Nog 0 namen te bevestigen." in html


@pytest.mark.parametrize("who", ["other_practice_gp", "assistant", "unknown"])
def test_only_a_gp_of_the_practice_can_be_chosen(who, practice, users, other_users, gps,
                                                 client_for):
    _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"))
    mapping = practice.gp_names.get()
    chosen = {"other_practice_gp": other_users[Role.HUISARTS].pk,
              "assistant": users[Role.ASSISTENT].pk, "unknown": 999999}[who]
    url = reverse("patients:gp-name-confirm", kwargs={"name_uuid": mapping.uuid})
    response = client_for(users[Role.POH_GGZ]).post(url, {f"{mapping.uuid}-gp": chosen},
                                                     follow=True)
    assert "Kies een huisarts van de praktijk" in response.content.decode()
    mapping.refresh_from_db()
    assert not mapping.confirmed and mapping.user is None


def test_a_name_of_another_practice_cannot_be_confirmed(practice, users, other_practice,
                                                       other_users, gps, client_for):
    foreign = GpNameMapping.objects.create(practice=other_practice, export_name="X. Eik")
    url = reverse("patients:gp-name-confirm", kwargs={"name_uuid": foreign.uuid})
    response = client_for(users[Role.POH_GGZ]).post(url, {f"{foreign.uuid}-gp": gps[0].pk})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.confirmed


def test_confirm_all_suggestions_leaves_names_without_one(practice, users, gps, client_for):
    _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"), ("2", "Van Dam, S."),
            ("3", "E. Kramer"))
    response = client_for(users[Role.POH_GGZ]).post(
        reverse("patients:gp-names-confirm-suggestions"), follow=True)
    assert "2 voorstellen bevestigd." in response.content.decode()
    confirmed = dict(practice.gp_names.filter(confirmed_at__isnull=False)
                     .values_list("export_name", "user"))
    assert confirmed == {"M. Öztürk": gps[0].pk, "Van Dam, S.": gps[1].pk}
    assert not practice.gp_names.get(export_name="E. Kramer").confirmed


def test_a_name_confirmed_by_hand_is_not_overwritten_by_confirm_all(practice, users, gps):
    from patients.services import gp_names_confirm_suggestions

    _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"))
    mapping = practice.gp_names.get()
    gp_name_confirm(user=users[Role.POH_GGZ], mapping=mapping, gp=None)
    assert gp_names_confirm_suggestions(user=users[Role.POH_GGZ], practice=practice) == 0
    mapping.refresh_from_db()
    assert mapping.user is None


def test_the_mapping_page_says_when_there_are_no_names(users, client_for):
    html = client_for(users[Role.POH_GGZ]).get(reverse("patients:gp-names")).content.decode()
    assert "Nog geen huisartsnamen" in html


# --- The signer ------------------------------------------------------------------------


@pytest.fixture
def two_gp_project(project, gps):
    project.gps.set(gps)
    return project


def _patient(practice, gp_name):
    return PatientFactory(practice=practice, gp_name=gp_name)


def _confirm(practice, name, user, by):
    mapping, _ = GpNameMapping.objects.get_or_create(practice=practice, export_name=name)
    return gp_name_confirm(user=by, mapping=mapping, gp=user)


def _signer(project, patient):
    from letters.selectors import project_gps

    return signer_for(patient, project_gps(project))


def test_the_patients_own_gp_signs_through_the_confirmed_name(practice, users, gps,
                                                             two_gp_project):
    ozturk, van_dam = gps
    patient = _patient(practice, "Dokter M. Öztürk")
    assert _signer(two_gp_project, patient) == van_dam  # not confirmed: the first GP (D < O)
    _confirm(practice, "Dokter M. Öztürk", ozturk, users[Role.POH_GGZ])
    assert _signer(two_gp_project, patient) == ozturk


def test_an_unconfirmed_suggestion_does_not_sign(practice, users, gps, two_gp_project):
    GpNameMapping.objects.create(practice=practice, export_name="M. Öztürk", user=gps[0])
    assert _signer(two_gp_project, _patient(practice, "M. Öztürk")) == gps[1]


def test_a_gp_outside_the_project_or_none_leaves_the_first_gp(practice, users, gps, project):
    ozturk, van_dam = gps
    project.gps.set([van_dam])
    _confirm(practice, "M. Öztürk", ozturk, users[Role.POH_GGZ])
    assert _signer(project, _patient(practice, "M. Öztürk")) == van_dam
    project.gps.set(gps)
    _confirm(practice, "E. Kramer", None, users[Role.POH_GGZ])
    assert _signer(project, _patient(practice, "E. Kramer")) == van_dam


def test_another_practices_mapping_does_not_count(practice, users, other_practice, gps,
                                                  two_gp_project):
    GpNameMapping.objects.create(practice=other_practice, export_name="M. Öztürk",
                                 user=gps[0], confirmed_at=timezone.now())
    assert _signer(two_gp_project, _patient(practice, "M. Öztürk")) == gps[1]


def test_gp_name_rows_of_a_batch_hold_only_its_unconfirmed_names(practice, users, gps):
    first = _import(practice, users[Role.POH_GGZ], ("1", "M. Öztürk"), ("2", "E. Kramer"))
    _confirm(practice, "E. Kramer", None, users[Role.POH_GGZ])
    second = _import(practice, users[Role.POH_GGZ], ("3", "F. el Khatib"), name="b.csv")
    assert [r.mapping.export_name for r in gp_name_rows(practice=practice, batch=first)] == [
        "M. Öztürk"]
    assert [r.mapping.export_name for r in gp_name_rows(practice=practice, batch=second)] == [
        "F. el Khatib"]
