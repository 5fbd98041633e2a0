"""Reading export files without the database (docs/formats.md: layouts, variations, rejections).

Every test runs twice: once as the importer runs (Arrow's CSV reader for a
well-formed file) and once forced onto the csv-module path it falls back to,
so both readers are held to the same rules.
"""

from dataclasses import dataclass

import pandas as pd
import pytest
from django.utils import translation

from patients.importing import EMPTY, NOT_TEXT, ExportReader, FileRefused, NotForArrow, keys
from patients.importing.readers import Rejection, open_export

from .exports import (
    APOTHEEK_HEADER,
    HIS_HEADER,
    SAMPLE_APOTHEEK,
    SAMPLE_HIS,
    apotheek,
    apotheek_row,
    his,
    his_row,
)


def not_for_arrow(self, *args, **kwargs):
    raise NotForArrow
    yield  # a generator, as arrow_chunks is


@pytest.fixture(autouse=True, params=["arrow", "csv"])
def reader_path(request, monkeypatch):
    if request.param == "csv":
        monkeypatch.setattr(ExportReader, "arrow_chunks", not_for_arrow)
    return request.param


@dataclass
class Parsed:
    reader: ExportReader
    rows: pd.DataFrame
    rejections: list[Rejection]
    records: int

    @property
    def reasons(self) -> list[tuple[int, str]]:
        return [(r.line, r.reason) for r in self.rejections]

    @property
    def lines(self) -> list[int]:
        return self.rows["line"].tolist()

    def one(self) -> dict:
        assert len(self.rows) == 1, self.reasons
        return self.rows.iloc[0].to_dict()


def read(data: bytes) -> Parsed:
    reader = open_export(data)
    frames, rejections, records = [], [], 0
    for chunk in reader.chunks():
        frames.append(chunk.prescriptions)
        rejections += chunk.rejections
        records += chunk.records
    rows = pd.concat(frames, ignore_index=True)
    # docs/formats.md: every record of the file is either imported or rejected.
    assert records == len(rows) + len(rejections)
    return Parsed(reader, rows, rejections, records)


def refused(data: bytes) -> str:
    with pytest.raises(FileRefused) as caught:
        read(data)
    return caught.value.message


# --- Layouts ------------------------------------------------------------------------------

def test_his_export_is_recognised_by_its_header():
    parsed = read(his(his_row()))
    assert parsed.reader.layout.code == "his"
    assert parsed.reader.delimiter == ";"
    row = parsed.one()
    assert row == row | {
        "line": 2, "number": "100001", "surname": "Berg", "prefix": "van den", "initials": "T.",
        "sex": "V", "birth_date": "1952-12-25", "street": "Molenlaan", "house_number": "64-2",
        "postcode": "6874 JC", "city": "Zevenaar", "phone": "06-42989829",
        "gp_name": "M. Öztürk", "date": "2026-07-07", "atc": "N05CD07",
        "description": "Temazepam 20mg capsule", "strength": "20", "units": 30,
        "dosage": "1 dd 1 capsule voor de nacht", "prescriber": "M. Öztürk", "is_benzo": True}


def test_pharmacy_list_is_recognised_by_its_header():
    parsed = read(apotheek(apotheek_row()))
    assert parsed.reader.layout.code == "apotheek"
    assert parsed.reader.delimiter == ","
    row = parsed.one()
    assert row == row | {
        "line": 2, "number": "P106026", "surname": "Dekker", "prefix": "", "initials": "P.",
        "sex": "X", "birth_date": "2000-12-13", "street": "Burgemeester de Kockstraat",
        "house_number": "110", "postcode": "6939 AA", "city": "Rheden",
        "gp_name": "S. van Dam", "date": "2026-07-23", "atc": "N05BA06",
        "description": "LORAZEPAM 0,5MG TABLET", "strength": "0.5", "units": 20,
        "dosage": "max 2 per dag", "is_benzo": True}


def test_sample_his_export_accounts_for_every_record():
    parsed = read(SAMPLE_HIS.read_bytes())
    assert parsed.reader.encoding == "cp1252"
    assert (parsed.records, len(parsed.rows)) == (1599, 1593)
    assert parsed.reasons == [
        (277, "sterkte “-5” is geen getal boven nul"),
        (441, "aantal “veel” is geen heel getal boven nul"),
        (1024, "datum 31-02-2026 bestaat niet"),
        (1124, "datum “2026/13/40” is geen datum in de vorm dd-mm-jjjj"),
        (1303, "ATC-code “XYZ” heeft niet de vorm van een ATC-code"),
        (1506, "patiëntnummer ontbreekt"),
    ]


def test_sample_pharmacy_list_is_read_whole():
    parsed = read(SAMPLE_APOTHEEK.read_bytes())
    assert parsed.reader.encoding == "utf-8-sig"
    assert (parsed.records, len(parsed.rows), parsed.reasons) == (1714, 1714, [])


# --- Variations every import must take ------------------------------------------------------

def test_header_names_in_any_case_and_order_are_recognised():
    header = [name.upper() if i % 2 else name.title() for i, name in enumerate(HIS_HEADER)]
    header.reverse()
    row = read(his(his_row(), header=header)).one()
    assert (row["number"], row["atc"], row["units"], row["strength"]) == (
        "100001", "N05CD07", 30, "20")


def test_pharmacy_header_without_accent_or_in_capitals_is_recognised():
    header = [name.upper() for name in APOTHEEK_HEADER]
    header[0] = "PATIENTNUMMER"
    assert read(apotheek(apotheek_row(), header=header)).one()["number"] == "P106026"


def test_extra_columns_are_ignored():
    header = ["bsn", *HIS_HEADER[:5], "opmerking", *HIS_HEADER[5:], "Apotheek"]
    row = his_row() | {"bsn": "123456782", "opmerking": "let op; zie dossier",
                       "apotheek": "De Linde"}
    parsed = read(his(row, header=header))
    assert parsed.one()["surname"] == "Berg"
    assert parsed.one()["description"] == "Temazepam 20mg capsule"


def test_spaces_around_names_and_values_are_ignored():
    header = [f"  {name} " for name in HIS_HEADER]
    row = {k: f" {v}  " for k, v in his_row(atc="n05cd07").items()}
    parsed = read(his(row, header=header))
    got = parsed.one()
    assert (got["number"], got["atc"], got["units"], got["surname"], got["date"]) == (
        "100001", "N05CD07", 30, "Berg", "2026-07-07")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lf_and_crlf_line_ends_are_both_read(newline):
    parsed = read(his(his_row(), his_row(patientnummer="100002"), newline=newline))
    assert parsed.rows["number"].tolist() == ["100001", "100002"]
    assert parsed.lines == [2, 3]
    assert parsed.rows["dosage"].tolist() == ["1 dd 1 capsule voor de nacht"] * 2


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file(newline):
    nl = newline
    data = his(his_row()).decode("cp1252").replace("\r\n", nl)
    bad = his(his_row(aantal="veel")).decode("cp1252").split("\r\n")[1]
    good = his(his_row(patientnummer="100002")).decode("cp1252").split("\r\n")[1]
    data += nl + "   " + nl + ";" * 18 + nl + bad + nl + nl + good + nl + nl + nl
    parsed = read(data.encode("cp1252"))
    # line 1 header, 2 row, 3 blank, 4 spaces, 5 only delimiters, 6 bad, 7 blank, 8 good
    assert parsed.lines == [2, 8]
    assert parsed.reasons == [(6, "aantal “veel” is geen heel getal boven nul")]
    assert parsed.records == 3


def test_blank_lines_before_the_header_are_skipped():
    data = b"\r\n  \r\n" + his(his_row(), his_row(aantal="0"))
    parsed = read(data)
    assert parsed.lines == [4]
    assert parsed.reasons == [(5, "aantal “0” is geen heel getal boven nul")]


def test_quoted_fields_may_hold_delimiters_quotes_and_line_breaks():
    tricky = his_row(omschrijving='Temazepam "20 mg"; capsule',
                     gebruiksvoorschrift="1 dd 1\r\nvoor de nacht")
    data = his(tricky, his_row(patientnummer="100002", aantal="nul"))
    assert b'"Temazepam ""20 mg""; capsule"' in data  # RFC 4180 on the wire
    parsed = read(data)
    row = parsed.one()
    assert row["description"] == 'Temazepam "20 mg"; capsule'
    assert row["dosage"] == "1 dd 1\r\nvoor de nacht"
    # The second record starts on line 4, after the two lines of the first.
    assert parsed.reasons == [(4, "aantal “nul” is geen heel getal boven nul")]


def test_quoted_pharmacy_fields_hold_commas():
    row = read(apotheek(apotheek_row(naam="van der Meer, A.",
                                     artikel="ZOPICLON 7,5 MG TABLET OMHULD"))).one()
    assert (row["surname"], row["prefix"], row["initials"]) == ("Meer", "van der", "A.")
    assert row["strength"] == "7.5"


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_or_without_byte_order_mark(bom):
    parsed = read(apotheek(apotheek_row(voorschrijver="M. Öztürk"), bom=bom))
    assert parsed.reader.encoding == ("utf-8-sig" if bom else "utf-8")
    assert parsed.one()["gp_name"] == "M. Öztürk"
    assert parsed.one()["number"] == "P106026"


def test_cp1252_is_read_when_the_file_is_not_valid_utf8():
    data = his(his_row(achternaam="Öztürk", huisarts="M. Öztürk"), encoding="cp1252")
    assert "Öztürk".encode("cp1252") in data
    parsed = read(data)
    assert parsed.reader.encoding == "cp1252"
    assert (parsed.one()["surname"], parsed.one()["gp_name"]) == ("Öztürk", "M. Öztürk")


def test_utf8_his_export_keeps_its_accents():
    parsed = read(his(his_row(achternaam="Müller"), encoding="utf-8"))
    assert parsed.reader.encoding == "utf-8"
    assert parsed.one()["surname"] == "Müller"


def test_byte_order_mark_before_a_cp1252_file_is_dropped():
    parsed = read(his(his_row(achternaam="Öztürk"), encoding="cp1252", bom=True))
    assert parsed.reader.encoding == "cp1252"
    assert (parsed.one()["number"], parsed.one()["surname"]) == ("100001", "Öztürk")


@pytest.mark.parametrize(("given", "mg"), [
    ("2,5", "2.5"), ("2.5", "2.5"), ("0,25", "0.25"), ("0.25", "0.25"), ("20", "20"),
    ("20,0", "20"), ("020", "20"), (",5", "0.5"), ("7,50", "7.5"), ("0,0001", "0.0001"),
])
def test_strength_takes_a_decimal_comma_or_point(given, mg):
    assert read(his(his_row(sterkte=given))).one()["strength"] == mg


@pytest.mark.parametrize(("given", "unit", "mg"), [
    ("20", "mg", "20"), ("20", "MG", "20"), ("20", "", "20"), ("500", "microgram", "0.5"),
    ("250", "mcg", "0.25"), ("0,01", "g", "10"),
])
def test_his_strength_is_converted_to_mg_by_its_unit(given, unit, mg):
    assert read(his(his_row(sterkte=given, eenheid=unit))).one()["strength"] == mg


@pytest.mark.parametrize(("article", "mg"), [
    ("LORAZEPAM 0,5MG TABLET", "0.5"),
    ("OXAZEPAM 10 MG TABLET OMHULD", "10"),
    ("ZOPICLON 7,5 MG TABLET OMHULD", "7.5"),
    ("TEMAZEPAM 10 MG CAPSULE", "10"),
    ("ALPRAZOLAM 0.25MG TABLET", "0.25"),
    ("Diazepam 5mg tablet", "5"),
    ("ALPRAZOLAM 250 MICROGRAM TABLET", "0.25"),
])
def test_pharmacy_strength_is_read_from_the_article(article, mg):
    row = read(apotheek(apotheek_row(artikel=article))).one()
    assert row["strength"] == mg
    assert row["description"] == article


def test_pharmacy_article_without_strength_is_fine_for_other_medicines():
    row = read(apotheek(apotheek_row(atc="N06AB04", artikel="CITALOPRAM TABLET"))).one()
    assert (row["strength"], row["is_benzo"]) == ("", False)


@pytest.mark.parametrize(("name", "surname", "prefix", "initials"), [
    ("van der Meer, A.", "Meer", "van der", "A."),
    ("Dekker, P.", "Dekker", "", "P."),
    ("van den Berg, D.", "Berg", "van den", "D."),
    ("De Vries, J.K.", "Vries", "de", "J.K."),
    ("ter Horst,B.", "Horst", "ter", "B."),
    ("Jansen", "Jansen", "", ""),
])
def test_pharmacy_name_is_split_into_surname_prefix_and_initials(name, surname, prefix,
                                                                 initials):
    row = read(apotheek(apotheek_row(naam=name))).one()
    assert (row["surname"], row["prefix"], row["initials"]) == (surname, prefix, initials)


@pytest.mark.parametrize(("address", "street", "number"), [
    ("Burgemeester de Kockstraat 110", "Burgemeester de Kockstraat", "110"),
    ("Julianalaan 208-2", "Julianalaan", "208-2"),
    ("Dorpsstraat 12 bis", "Dorpsstraat", "12 bis"),
    ("Molenlaan 41a", "Molenlaan", "41a"),
    ("Stationsplein 97-2", "Stationsplein", "97-2"),
    ("Plein 1944 12", "Plein 1944", "12"),
    ("2e Oosterparkstraat 14", "2e Oosterparkstraat", "14"),
    ("Postbus", "Postbus", ""),
])
def test_pharmacy_address_is_split_into_street_and_house_number(address, street, number):
    row = read(apotheek(apotheek_row(adres=address))).one()
    assert (row["street"], row["house_number"]) == (street, number)


@pytest.mark.parametrize(("given", "stored"), [
    ("6939AA", "6939 AA"), ("6939 AA", "6939 AA"), ("6939aa", "6939 AA"), ("B-1000", "B-1000"),
])
def test_postcode_is_stored_with_one_space_whether_given_with_or_without(given, stored):
    assert read(apotheek(apotheek_row(postcode=given))).one()["postcode"] == stored
    assert read(his(his_row(postcode=given))).one()["postcode"] == stored


@pytest.mark.parametrize(("given", "sex"), [("V", "V"), ("m", "M"), ("", "X"), ("X", "X"),
                                            ("onbekend", "X")])
def test_his_sex_is_m_v_or_unknown(given, sex):
    assert read(his(his_row(geslacht=given))).one()["sex"] == sex


def test_his_prefix_is_kept_in_lower_case():
    assert read(his(his_row(tussenvoegsel="Van Der"))).one()["prefix"] == "van der"


def test_row_with_empty_trailing_fields_is_read():
    data = his(his_row()).replace(b"\r\n", b";;\r\n")
    row = read(data).one()
    assert row["dosage"] == "1 dd 1 capsule voor de nacht"


def test_header_ending_in_a_delimiter_names_no_extra_column():
    data = his(his_row(), his_row(patientnummer="100002"))
    data = data.replace(b"gebruiksvoorschrift\r\n", b"gebruiksvoorschrift;\r\n")
    assert read(data).rows["number"].tolist() == ["100001", "100002"]


def test_optional_birth_date_may_be_empty():
    assert read(his(his_row(geboortedatum=""))).one()["birth_date"] == ""


def test_the_same_prescription_written_differently_has_one_row_key():
    rows = read(his(his_row(sterkte="20"), his_row(sterkte="20,0"), his_row(aantal="030"),
                    his_row(sterkte="020", voorschrijfdatum="7-7-2026"))).rows
    assert len(set(keys.row_keys(rows, "his"))) == 1
    other = read(his(his_row(aantal="31"))).rows
    assert keys.row_keys(other, "his") != keys.row_keys(rows.iloc[:1], "his")


# --- Rows that are rejected -------------------------------------------------------------------

HIS_REJECTIONS = [
    ({"patientnummer": ""}, "patiëntnummer ontbreekt"),
    ({"patientnummer": "1" * 51}, "patiëntnummer is langer dan 50 tekens"),
    ({"voorschrijfdatum": ""}, "datum ontbreekt"),
    ({"voorschrijfdatum": "31-02-2026"}, "datum 31-02-2026 bestaat niet"),
    ({"voorschrijfdatum": "29-02-2026"}, "datum 29-02-2026 bestaat niet"),
    ({"voorschrijfdatum": "2026/13/40"},
     "datum “2026/13/40” is geen datum in de vorm dd-mm-jjjj"),
    ({"voorschrijfdatum": "2026-07-07"},
     "datum “2026-07-07” is geen datum in de vorm dd-mm-jjjj"),
    ({"voorschrijfdatum": "7 juli 2026"},
     "datum “7 juli 2026” is geen datum in de vorm dd-mm-jjjj"),
    ({"voorschrijfdatum": "07-07-26"}, "datum “07-07-26” is geen datum in de vorm dd-mm-jjjj"),
    ({"geboortedatum": "30-02-1950"}, "geboortedatum 30-02-1950 bestaat niet"),
    ({"atc": "XYZ"}, "ATC-code “XYZ” heeft niet de vorm van een ATC-code"),
    ({"atc": "N05BA1"}, "ATC-code “N05BA1” heeft niet de vorm van een ATC-code"),
    ({"atc": "N5BA01"}, "ATC-code “N5BA01” heeft niet de vorm van een ATC-code"),
    ({"atc": "N05BA011"}, "ATC-code “N05BA011” heeft niet de vorm van een ATC-code"),
    ({"atc": "N٠٥BA01"}, "ATC-code “N٠٥BA01” heeft niet de vorm van een ATC-code"),
    ({"atc": ""}, "ATC-code ontbreekt"),
    ({"aantal": "veel"}, "aantal “veel” is geen heel getal boven nul"),
    ({"aantal": "0"}, "aantal “0” is geen heel getal boven nul"),
    ({"aantal": "-3"}, "aantal “-3” is geen heel getal boven nul"),
    ({"aantal": "2.5"}, "aantal “2.5” is geen heel getal boven nul"),
    ({"aantal": "2,5"}, "aantal “2,5” is geen heel getal boven nul"),
    ({"aantal": ""}, "aantal “” is geen heel getal boven nul"),
    ({"aantal": "100001"}, "aantal “100001” is onwaarschijnlijk groot"),
    ({"sterkte": ""}, "geen sterkte bij een benzodiazepine"),
    ({"sterkte": "-5"}, "sterkte “-5” is geen getal boven nul"),
    ({"sterkte": "abc"}, "sterkte “abc” is geen getal boven nul"),
    ({"sterkte": "0"}, "sterkte “0” is geen getal boven nul"),
    ({"sterkte": "0,00"}, "sterkte “0,00” is geen getal boven nul"),
    ({"sterkte": "1٥"}, "sterkte “1٥” is geen getal boven nul"),
    ({"sterkte": "1,2,3"}, "sterkte “1,2,3” is geen getal boven nul"),
    ({"sterkte": "123456789"}, "sterkte “123456789” is onwaarschijnlijk groot"),
    ({"sterkte": "99999999", "eenheid": "g"}, "sterkte “99999999” is onwaarschijnlijk groot"),
    ({"eenheid": "ml"}, "eenheid “ml” van de sterkte is onbekend (verwacht mg)"),
]


@pytest.mark.parametrize(("fields", "reason"), HIS_REJECTIONS)
def test_his_row_is_rejected_with_its_line_and_reason_and_the_rest_is_read(fields, reason):
    data = his(his_row(), his_row(**{"patientnummer": "100002", **fields}),
               his_row(patientnummer="100003"), encoding="utf-8")
    parsed = read(data)
    assert parsed.reasons == [(3, reason)]
    assert parsed.lines == [2, 4]
    assert parsed.rows["number"].tolist() == ["100001", "100003"]
    # The report keeps the row as it stood in the file.
    assert parsed.rejections[0].raw == data.decode("utf-8").split("\r\n")[2]


@pytest.mark.parametrize("strength", ["-5", "abc", "0"])
def test_bad_strength_rejects_a_row_of_another_medicine_too(strength):
    parsed = read(his(his_row(atc="N06AB04", omschrijving="Citalopram", sterkte=strength)))
    assert parsed.reasons == [(2, f"sterkte “{strength}” is geen getal boven nul")]


def test_another_medicine_without_strength_is_accepted():
    row = read(his(his_row(atc="L04AX03", sterkte="", eenheid=""))).one()
    assert (row["strength"], row["is_benzo"]) == ("", False)


def test_row_failing_several_rules_gives_every_reason():
    parsed = read(his(his_row(patientnummer="", voorschrijfdatum="31-02-2026", aantal="0")))
    assert parsed.reasons == [(2, "patiëntnummer ontbreekt; datum 31-02-2026 bestaat niet; "
                                  "aantal “0” is geen heel getal boven nul")]


def test_row_with_too_few_or_too_many_fields_is_rejected():
    good = his(his_row()).decode("cp1252").split("\r\n")[1]
    short = good.rsplit(";", 1)[0]
    long = good + ";extra"
    data = his(his_row()).decode("cp1252") + short + "\r\n" + long + "\r\n" + good + "\r\n"
    parsed = read(data.encode("cp1252"))
    assert parsed.reasons == [
        (3, "18 velden in plaats van 19; controleer scheidingstekens en aanhalingstekens"),
        (4, "20 velden in plaats van 19; controleer scheidingstekens en aanhalingstekens"),
    ]
    assert parsed.lines == [2, 5]


@pytest.mark.parametrize("extra", ["x", "NULL", "NA", "nan", "5", "true"])
def test_rows_with_a_filled_extra_field_are_rejected_whatever_it_holds(extra):
    data = apotheek(apotheek_row(), apotheek_row(patientnummer="P2")).replace(
        b"dag\r\n", f"dag,{extra}\r\n".encode())
    assert [line for line, _ in read(data).reasons] == [2, 3]


def test_file_whose_rows_are_all_one_field_short_has_every_row_rejected():
    good = his(his_row()).decode("cp1252").split("\r\n")[1]
    short = good.rsplit(";", 1)[0]
    data = his().decode("cp1252") + (short + "\r\n") * 2
    parsed = read(data.encode("cp1252"))
    assert [line for line, _ in parsed.reasons] == [2, 3]
    assert parsed.rows.empty


@pytest.mark.parametrize(("fields", "reason"), [
    ({"patientnummer": ""}, "patiëntnummer ontbreekt"),
    ({"afleverdatum": ""}, "datum ontbreekt"),
    ({"afleverdatum": "2026-02-30"}, "datum 2026-02-30 bestaat niet"),
    ({"afleverdatum": "23-07-2026"}, "datum “23-07-2026” is geen datum in de vorm jjjj-mm-dd"),
    ({"geboortedatum": "2000-13-01"}, "geboortedatum 2000-13-01 bestaat niet"),
    ({"atc": "lorazepam"}, "ATC-code “lorazepam” heeft niet de vorm van een ATC-code"),
    ({"aantal": "veel"}, "aantal “veel” is geen heel getal boven nul"),
    ({"aantal": "-3"}, "aantal “-3” is geen heel getal boven nul"),
    ({"artikel": "LORAZEPAM TABLET"}, "geen sterkte bij een benzodiazepine"),
    ({"artikel": "LORAZEPAM 0MG TABLET"}, "sterkte “0” is geen getal boven nul"),
    ({"artikel": "LORAZEPAM 0,5ML DRANK"}, "geen sterkte bij een benzodiazepine"),
])
def test_pharmacy_row_is_rejected_with_its_line_and_reason(fields, reason):
    data = apotheek(apotheek_row(), apotheek_row(**{"patientnummer": "P2", **fields}),
                    apotheek_row(patientnummer="P3"))
    parsed = read(data)
    assert parsed.reasons == [(3, reason)]
    assert parsed.lines == [2, 4]


def test_rejected_row_keeps_its_text_for_the_report():
    parsed = read(his(his_row(aantal="veel", omschrijving='Temazepam "20"; caps')))
    assert parsed.rejections[0].raw == (
        '100001;Berg;van den;T.;V;25-12-1952;Molenlaan;64-2;6874 JC;Zevenaar;06-42989829;'
        'M. Öztürk;07-07-2026;N05CD07;"Temazepam ""20""; caps";20;mg;veel;'
        '1 dd 1 capsule voor de nacht')


# --- Files that are refused whole ------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"", b"   ", b"\r\n\r\n \t\r\n", "\ufeff".encode(),
    his(), his() + b"\r\n\r\n", his() + b";;;;\r\n", apotheek(),
], ids=["empty", "spaces", "blank-lines", "bom-only", "header-only", "header-blank-lines",
        "header-empty-rows", "pharmacy-header-only"])
def test_empty_file_is_refused(data):
    assert refused(data) == EMPTY


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    his(his_row()) + b"\x00\x00",
    his(his_row()).decode("cp1252").encode("utf-16"),
    his(his_row()).decode("cp1252").encode("utf-16-le"),
    bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20,
    bytes(range(1, 32)) * 10,
], ids=["png", "nul-bytes", "utf-16", "utf-16-le", "undecodable", "control-characters"])
def test_file_that_is_not_text_is_refused(data):
    assert refused(data) == NOT_TEXT


def test_header_of_neither_layout_is_refused_naming_what_was_expected():
    message = refused(b"naam;adres;datum;medicijn\r\nJansen;Dorpsstraat 1;01-01-2026;x\r\n")
    assert message.startswith("De kopregel past bij geen van beide indelingen, dus er is "
                              "niets ingelezen.")
    assert ", ".join(HIS_HEADER) in message
    assert "patientnummer, naam, geboortedatum, adres, postcode, woonplaats" in message
    assert "“naam;adres;datum;medicijn”" in message


def test_header_missing_some_columns_is_refused_naming_them():
    header = [n for n in HIS_HEADER if n not in ("sterkte", "eenheid")]
    message = refused(his(his_row(), header=header))
    assert message == ("Dit lijkt een HIS-export (voorschriften), maar deze kolommen ontbreken "
                       "in de kopregel: sterkte, eenheid. Er is niets ingelezen.")


def test_pharmacy_header_missing_a_column_is_refused_naming_it():
    header = [n for n in APOTHEEK_HEADER if n != "Afleverdatum"]
    message = refused(apotheek(apotheek_row(), header=header))
    assert message == ("Dit lijkt een apotheeklijst (afleveringen), maar deze kolommen "
                       "ontbreken in de kopregel: afleverdatum. Er is niets ingelezen.")


def test_header_broken_by_a_quoted_line_break_is_refused():
    data = his(his_row()).replace(b";gebruiksvoorschrift", b';"gebruiks\r\nvoorschrift"')
    assert "ontbreken in de kopregel: gebruiksvoorschrift" in refused(data)


def test_header_with_a_unicode_line_separator_is_refused_not_crashed():
    data = his(his_row(), encoding="utf-8").replace(
        b"gebruiksvoorschrift\r\n", "gebruiksvoorschrift\u2028x\r\n".encode(), 1)
    assert "ontbreken in de kopregel: gebruiksvoorschrift" in refused(data)


def test_reasons_and_refusals_are_translated_into_the_active_language():
    """The Dutch texts come from the translations (locale/nl), not from the code."""
    with translation.override("en"):
        parsed = read(his(his_row(atc=""), his_row(voorschrijfdatum="31-02-2026")))
        assert parsed.reasons == [(2, "ATC code is missing"),
                                  (3, "date 31-02-2026 does not exist")]
        assert refused(b"") == "The file is empty: it holds no lines with prescriptions."
    parsed = read(his(his_row(atc=""), his_row(voorschrijfdatum="31-02-2026")))
    assert parsed.reasons == [(2, "ATC-code ontbreekt"), (3, "datum 31-02-2026 bestaat niet")]
