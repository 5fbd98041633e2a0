"""Bad input never gives a server error (docs/security.md, hostile files and bad input).

A fuzz-style walk: every page of tests/url_cases.py is opened as a role that may use it,
with malformed values in every query parameter the app reads; every form on those pages,
and every POST of the table, is sent with malformed values in every field. The test
client raises a view's exception, so a 500 fails the test with its traceback; the status
must be below 500 too. Then the specific cases of the issue, with the edges of the ranges.
"""

from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from dateutil.relativedelta import relativedelta
from django import forms
from django.urls import reverse
from django.utils import timezone

from benzoproject.validation import (
    PATIENT_NUMBER_MAX,
    RangedDateField,
    date_problem,
    patient_number_problem,
)
from patients.models import Membership, Role

from . import test_access as access
from .url_cases import cases

# The access test's fixtures: one object of every kind the URL table needs.
step, imports, participation = access.step, access.imports, access.participation
letters, consultation, schedule = access.letters, access.consultation, access.schedule

MALFORMED = [
    "0001-01-01", "9999-12-31T23:59", "99999-12-31", "abc", "", "-99999999999999999999",
    "x" * 5000, "=HYPERLINK(\"http://x\")", "a\x00b", "00000000-0000-0000-0000-00000000000z",
]


def rotated(names) -> list[dict[str, str]]:
    """One request per malformed value, each name getting every value once over them
    (name ``j`` gets value ``i + j`` in request ``i``): every value in every field, in
    as many requests as there are values."""
    names = sorted(names)
    return [{name: MALFORMED[(i + j) % len(MALFORMED)] for j, name in enumerate(names)}
            for i in range(len(MALFORMED))]
# Every query parameter a page of the app reads (grep request.GET and the GET forms).
QUERY_PARAMETERS = ["peildatum", "maand", "van", "tot", "pagina", "formaat", "soort", "zoek",
                    "huisarts", "status", "uitkomst", "sorteer", "drempel", "criterium",
                    "project", "complex", "hoge_ddd", "alle", "uitgesloten", "next",
                    "weergave", "his"]


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field name: input type})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(),
                               attrs.get("action") or "", {}))
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            self.forms[-1][2][attrs["name"]] = attrs.get("type") or tag


def _forms(html: str) -> list[tuple[str, str, dict[str, str]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def fuzz_cases(project, step, imports, participation, letters, consultation, schedule):
    return cases(project, step, *imports, participation=participation, letters=letters,
                 consultation=consultation, schedule=schedule)


def _assert_no_server_error(response, what):
    assert response.status_code < 500, what


def _user_for(case, users):
    """A user who may open the case's page: the access log's pages are the privacy
    officer's, whom the administrator is made here."""
    if case.roles:
        return users[sorted(case.roles)[0]]
    Membership.objects.filter(user=users[Role.BEHEERDER]).update(privacy_officer=True)
    return users[Role.BEHEERDER]


def test_malformed_query_parameters_never_give_a_server_error(fuzz_cases, users, client_for):
    for case in fuzz_cases:
        if case.method != "GET" or case.audit_action == "export":  # a file reads no query
            continue
        client = client_for(_user_for(case, users))
        url = reverse(case.name, kwargs=case.kwargs)
        for query in rotated(QUERY_PARAMETERS):
            _assert_no_server_error(client.get(f"{url}?{urlencode(query)}"), (case.name, query))


def test_malformed_form_fields_never_give_a_server_error(fuzz_cases, users, client_for):
    posted = set()
    for case in fuzz_cases:
        client = client_for(_user_for(case, users))
        url = reverse(case.name, kwargs=case.kwargs)
        targets: list[tuple[str, str, set[str]]] = []
        if case.method == "POST":
            targets.append(("post", url, set(case.data)))
        elif case.audit_action != "export":  # a download holds no form
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for method, action, fields in _forms(response.content.decode()):
                names = {n for n, kind in fields.items()
                         if kind not in ("file", "submit") and n != "csrfmiddlewaretoken"}
                targets.append((method, action or url, names))
        for method, action, names in targets:
            if (method, action.split("?")[0], frozenset(names)) in posted:
                continue
            posted.add((method, action.split("?")[0], frozenset(names)))
            for data in rotated(names) if names else [{}]:
                response = (client.post(action, data) if method == "post"
                            else client.get(action, data))
                _assert_no_server_error(response, (case.name, action, data))
    assert len(posted) > 40  # the walk reached the app's forms


# The specific cases of the issue.


def test_a_groslijst_reference_date_of_year_one_is_refused_in_dutch(users, client_for):
    client = client_for(users[Role.POH_GGZ])
    response = client.get(reverse("patients:groslijst"), {"peildatum": "0001-01-01"})
    assert response.status_code == 200
    assert "Kies een datum van 01-01-2000 tot en met" in response.content.decode()
    response = client.get(reverse("patients:groslijst"),
                          {"peildatum": "0001-01-01", "formaat": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_null_character_in_a_search_is_refused_in_dutch_not_a_crash(users, client_for):
    client = client_for(users[Role.ASSISTENT])
    response = client.get(reverse("tapering:phone-note-search"), {"zoek": "Berg\x00"})
    assert response.status_code == 400
    assert "Invoer niet geaccepteerd" in response.content.decode()
    assert client.get(reverse("tapering:phone-note-search"), {"zoek": "Berg"}).status_code == 200


def test_a_reserve_replacement_with_a_malformed_id_is_404(users, client_for, consultation):
    part = consultation.participation
    url = reverse("tapering:reserve-replace", args=[part.project.uuid, part.uuid])
    for bad in ["abc", "12", "x" * 5000, "00000000-0000-0000-0000-00000000000z"]:
        response = client_for(users[Role.POH_GGZ]).post(url, {"reserve": bad})
        assert response.status_code == 404, bad
    # A NUL character is refused before the view (the null-character middleware).
    assert client_for(users[Role.POH_GGZ]).post(url, {"reserve": "a\x00b"}).status_code == 400
    bad_url = url.replace(str(part.uuid), "not-a-uuid")
    assert client_for(users[Role.POH_GGZ]).post(bad_url).status_code == 404


def test_the_date_range_has_its_edges_on_both_sides():
    today = date(2026, 11, 30)
    last = today + relativedelta(years=5)
    assert date_problem(date(2000, 1, 1), today=today) is None
    assert date_problem(last, today=today) is None
    assert date_problem(date(1999, 12, 31), today=today) is not None
    assert date_problem(last + timedelta(days=1), today=today) is not None


def test_a_date_field_refuses_year_one_and_9999_with_a_dutch_message():
    class Form(forms.Form):
        day = RangedDateField()

    today = timezone.localdate()
    last = today + relativedelta(years=5)
    assert Form({"day": "2000-01-01"}).is_valid()
    assert Form({"day": last.isoformat()}).is_valid()
    for bad in ("1999-12-31", (last + timedelta(days=1)).isoformat(), "0001-01-01",
                "9999-12-31"):
        form = Form({"day": bad})
        assert not form.is_valid()
        assert form.errors["day"] == [
            f"Kies een datum van 01-01-2000 tot en met {last:%d-%m-%Y}."], bad
    form = Form({"day": "99999-12-31"})
    assert not form.is_valid() and form.errors["day"] == ["Voer een geldige datum in."]


def test_a_consult_on_9999_12_31_is_refused(users, client_for, consultation):
    part = consultation.participation
    response = client_for(users[Role.POH_GGZ]).post(
        reverse("tapering:consult-plan", args=[part.project.uuid, part.uuid]),
        {"kind": "evaluation", "consult_date": "9999-12-31", "consult_time": "10:00",
         "held_by": users[Role.POH_GGZ].pk})
    assert response.status_code in (200, 400)
    assert "Kies een datum van 01-01-2000 tot en met" in response.content.decode()
    assert part.consultations.count() == 1  # only the one planned before


@pytest.mark.parametrize(("value", "ok"), [
    ("108124", True), ("P106026", True), ("HA-2024/17", True), ("a" * PATIENT_NUMBER_MAX, True),
    ("a" * (PATIENT_NUMBER_MAX + 1), False), ("=HYPERLINK(\"http://x\")", False),
    ("+31612345678", False), ("-12", False), ("12-", False), ("@SUM(A1)", False),
    ("12 34", False), ("P1(2)", False), ("", False), ("１２３", False),
])
def test_patient_numbers_have_a_defined_format(value, ok):
    assert (patient_number_problem(value) is None) == ok


def test_an_import_rejects_a_formula_as_patient_number_with_a_reason(practice, users):
    from patients.importing.load import import_file

    header = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;"
              "straat;huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;"
              "omschrijving;sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")
    row = ("{number};Berg;;T.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;;M. Öztürk;"
           "{on};N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n")
    today = timezone.localdate()
    data = (header
            + row.format(number="100001", on="07-07-2026")
            + row.format(number='=HYPERLINK(""http://x"")', on="07-07-2026")
            + row.format(number="100002", on="31-12-1999")
            + row.format(number="100003", on="01-01-2000")
            + row.format(number="100004", on=(today + relativedelta(years=5, days=1))
                         .strftime("%d-%m-%Y"))).encode("cp1252")
    batch = import_file(practice=practice, user=users[Role.POH_GGZ], data=data,
                        file_name="his.csv")
    reasons = {r["line"]: r["reason"] for r in batch.rejections}
    assert set(reasons) == {3, 4, 6}
    assert reasons[3].startswith("patiëntnummer “=HYPERLINK(")
    assert "mag alleen letters en cijfers bevatten" in reasons[3]
    assert "31-12-1999 ligt buiten 01-01-2000 tot" in reasons[4]
    assert set(practice.patients.values_list("number", flat=True)) == {"100001", "100003"}
