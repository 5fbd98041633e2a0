"""The groslijst kept in the cache (patients/groslijst_cache.py): the same rows as computed
live, never another practice's, never the rows from before an import or a changed rule."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients import groslijst_cache
from patients.groslijst_cache import groslijst_forget, groslijst_rows_cached
from patients.importing import FileRefused
from patients.importing.load import import_file
from patients.models import Patient, Practice, Role
from patients.selectors import groslijst_rows

pytestmark = pytest.mark.django_db

R = date(2026, 9, 15)
HEADER = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
          "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
          "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")


def row(number, surname, when, units=30, atc="N05BA01", strength="10"):
    return (f"{number};{surname};;A.;V;01-01-1950;Laan;1;6874 JC;Zevenaar;;M. Öztürk;{when};"
            f"{atc};Product {atc};{strength};mg;{units};1 dd 1\r\n")


def export(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode("cp1252")


def do_import(practice, user, *rows: str):
    return import_file(practice=practice, user=user, data=export(*rows),
                       file_name=f"his-{practice.code}.csv")


def numbers(rows) -> list[str]:
    return [r.number for r in rows]


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


@pytest.fixture
def linde(practice, users):
    do_import(practice, users[Role.POH_GGZ], row("1", "Aarts", "01-09-2026"),
              row("1", "Aarts", "01-02-2026"), row("2", "Boer", "01-05-2026", units=100))
    return practice


@pytest.fixture
def eik(other_practice, other_users):
    do_import(other_practice, other_users[Role.POH_GGZ], row("7", "Eikema", "01-09-2026"),
              row("7", "Eikema", "01-02-2026"))
    return other_practice


def cached(practice, reference=R, threshold=1):
    # A fresh Practice each time, as each request reads it.
    return groslijst_rows_cached(practice=Practice.objects.get(pk=practice.pk),
                                 reference_date=reference, ddd_threshold=threshold)


def test_the_cached_rows_are_the_rows_computed_live_and_the_second_read_asks_no_query(linde):
    live = groslijst_rows(practice=linde, reference_date=R)
    first = cached(linde)
    count, second = queries_of(lambda: cached(linde))
    assert first == live and second == live and numbers(live) == ["1", "2"]
    assert count == 1  # the Practice itself; the rows come from the cache


def test_each_read_gets_rows_of_its_own(linde):
    cached(linde)[0].substances.append("changed by the page")
    assert cached(linde)[0].substances == []


def test_a_practice_never_gets_another_practices_rows(linde, eik):
    assert numbers(cached(linde)) == ["1", "2"]
    assert numbers(cached(eik)) == ["7"]
    assert numbers(cached(linde)) == ["1", "2"]


def test_an_import_shows_its_rows_at_once_and_keeps_other_practices_cached(linde, eik, users):
    assert numbers(cached(linde)) == ["1", "2"]
    assert numbers(cached(eik)) == ["7"]
    do_import(linde, users[Role.POH_GGZ], row("3", "Claes", "01-09-2026", units=120))
    assert numbers(cached(linde)) == ["1", "2", "3"]
    count, rows = queries_of(lambda: cached(eik))
    assert numbers(rows) == ["7"] and count == 1  # the other practice's list was kept


def test_rows_read_while_the_import_commits_are_forgotten_once_it_has(
        linde, users, django_capture_on_commit_callbacks):
    """The forget runs in the import's transaction and again on commit: a page that filled
    the cache in between (from the rows before the import) is not shown afterwards."""
    assert numbers(cached(linde)) == ["1", "2"]
    with django_capture_on_commit_callbacks() as callbacks:
        do_import(linde, users[Role.POH_GGZ], row("3", "Claes", "01-09-2026", units=120))
        stale = groslijst_rows(practice=linde, reference_date=R)[:2]  # as before the import
        key = groslijst_cache._rows_key(linde, groslijst_cache._generation(linde), R)
        groslijst_cache.cache.set(key, stale)
        assert numbers(cached(linde)) == ["1", "2"]  # the page in between
    assert callbacks  # the forget waits for the commit
    for callback in callbacks:
        callback()
    assert numbers(cached(linde)) == ["1", "2", "3"]


def test_a_failed_import_keeps_the_list(linde, users):
    before = cached(linde)
    with pytest.raises(FileRefused):
        import_file(practice=linde, user=users[Role.POH_GGZ], data=b"naam;datum\r\nx;y\r\n",
                    file_name="wrong.csv")
    count, after = queries_of(lambda: cached(linde))
    assert after == before and count == 1


def test_a_changed_complex_comedication_rule_gives_the_list_under_the_new_rule(
        practice, users):
    do_import(practice, users[Role.POH_GGZ], row("4", "Dekker", "01-09-2026"),
              row("4", "Dekker", "01-02-2026"),
              row("4", "Dekker", "01-06-2026", atc="L04AX03", strength="2"))
    assert [r.complex_comedication for r in cached(practice)] == [True]
    Practice.objects.filter(pk=practice.pk).update(complex_atc_prefixes="N06A")
    assert [r.complex_comedication for r in cached(practice)] == [False]
    Practice.objects.filter(pk=practice.pk).update(
        complex_atc_prefixes=practice.complex_atc_prefixes)
    assert [r.complex_comedication for r in cached(practice)] == [True]


def test_each_reference_date_is_its_own_list(linde):
    # On 2026-09-15 both; a month before the first (2026-09-01) prescription of patient 1
    # only patient 2's 2026-05-01 prescription and patient 1's of February count.
    assert numbers(cached(linde)) == ["1", "2"]
    assert numbers(cached(linde, date(2026, 2, 1))) == ["1"]
    assert numbers(cached(linde, date(2026, 1, 31))) == []
    assert cached(linde, date(2026, 1, 31)) == groslijst_rows(practice=linde,
                                                              reference_date=date(2026, 1, 31))


def test_the_threshold_applies_to_each_read_not_to_the_stored_list(linde):
    assert {r.ddd_threshold for r in cached(linde, threshold=3)} == {3}
    assert {r.ddd_threshold for r in cached(linde)} == {1}


def test_forget_without_an_import_makes_the_next_read_compute_again(linde, prescribe):
    assert numbers(cached(linde)) == ["1", "2"]
    patient = Patient.objects.create(practice=linde, number="9", surname="Zand",
                                     source="his")
    prescribe(patient, date(2026, 9, 1), units=120)
    assert numbers(cached(linde)) == ["1", "2"]  # still the cached list: no import yet
    groslijst_forget(practice=linde)
    assert numbers(cached(linde)) == ["1", "2", "9"]


def test_without_a_reachable_cache_the_list_is_computed(linde, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    assert cached(linde) == groslijst_rows(practice=linde, reference_date=R)
    groslijst_forget(practice=linde)  # logs, does not fail
