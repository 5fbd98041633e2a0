"""The command line of docs/domain.md: ``import_prescriptions`` and ``groslijst``.

The sample exports, imported into a new practice, must give the expected
groslijst files byte for byte. Exit codes are checked the way a shell sees
them, through ``run_from_argv``.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from patients.management.commands import groslijst as groslijst_command
from patients.management.commands import import_prescriptions
from patients.models import ImportBatch, Patient, Practice, Prescription

from .exports import (
    EXPECTED_APOTHEEK,
    EXPECTED_HIS,
    SAMPLE_APOTHEEK,
    SAMPLE_HIS,
    SAMPLE_REFERENCE_DATE,
    his,
    his_row,
)

pytestmark = pytest.mark.django_db


def run(command, *argv: str) -> int:
    """Run a command as ``manage.py`` does; return its exit status."""
    name = command.__name__.rsplit(".", 1)[-1]
    try:
        command.Command().run_from_argv(["manage.py", name, *argv, "--skip-checks"])
    except SystemExit as exit_:
        return exit_.code
    return 0


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # run_from_argv closes every connection when done; the test's transaction needs it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def import_(path, practice: str) -> str:
    out = io.StringIO()
    call_command("import_prescriptions", str(path), "--practice", practice, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("sample", "expected"), [
    (SAMPLE_HIS, EXPECTED_HIS), (SAMPLE_APOTHEEK, EXPECTED_APOTHEEK)], ids=["his", "apotheek"])
def test_groslijst_of_the_imported_sample_is_the_expected_file_byte_for_byte(tmp_path, sample,
                                                                            expected):
    import_(sample, "NIEUW")
    out = tmp_path / "groslijst.csv"
    err = io.StringIO()
    call_command("groslijst", "--practice", "NIEUW", "--reference-date", SAMPLE_REFERENCE_DATE,
                 "--csv", str(out), stderr=err)
    assert out.read_bytes() == expected.read_bytes()
    rows = len(expected.read_bytes().splitlines()) - 1
    assert f"{rows} patiënten geschreven naar {out}" in err.getvalue()


def test_import_creates_a_new_practice_and_says_so():
    output = import_(SAMPLE_HIS, "HAP-OOST")
    assert "Nieuwe praktijk “HAP-OOST” aangemaakt." in output
    assert Practice.objects.get(code="HAP-OOST").name == "HAP-OOST"
    assert "aangemaakt" not in import_(SAMPLE_HIS, "HAP-OOST")
    assert Practice.objects.filter(code="HAP-OOST").count() == 1


def test_import_into_an_existing_practice_uses_it(practice):
    output = import_(SAMPLE_APOTHEEK, practice.code)
    assert "aangemaakt" not in output
    assert Patient.objects.filter(practice=practice, source="apotheek").exists()


def test_import_prints_the_counts_and_every_rejection_with_its_line():
    output = import_(SAMPLE_HIS, "NIEUW")
    batch = ImportBatch.objects.get()
    assert (f"his_voorschriften.csv: {batch.get_layout_display()} (cp1252), 1599 regels: "
            f"{batch.rows_new} ingelezen, {batch.rows_present} al aanwezig, 6 geweigerd."
            in output)
    assert batch.rows_new + batch.rows_present == 1593
    lines = output.splitlines()
    assert lines[-6:] == [
        "  regel 277: sterkte “-5” is geen getal boven nul",
        "  regel 441: aantal “veel” is geen heel getal boven nul",
        "  regel 1024: datum 31-02-2026 bestaat niet",
        "  regel 1124: datum “2026/13/40” is geen datum in de vorm dd-mm-jjjj",
        "  regel 1303: ATC-code “XYZ” heeft niet de vorm van een ATC-code",
        "  regel 1506: patiëntnummer ontbreekt",
    ]


def test_import_again_reports_everything_as_already_present():
    import_(SAMPLE_APOTHEEK, "NIEUW")
    output = import_(SAMPLE_APOTHEEK, "NIEUW")
    assert "1714 regels: 0 ingelezen, 1714 al aanwezig, 0 geweigerd." in output


def test_file_with_rejected_rows_exits_zero(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(his(his_row(), his_row(voorschrijfdatum="31-02-2026")))
    assert run(import_prescriptions, str(path), "--practice", "NIEUW") == 0
    out = capsys.readouterr().out
    assert "2 regels: 1 ingelezen, 0 al aanwezig, 1 geweigerd." in out
    assert "  regel 3: datum 31-02-2026 bestaat niet" in out


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Bestand geweigerd: Het bestand is leeg"),
    (his(), "Bestand geweigerd: Het bestand is leeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Bestand geweigerd: Het bestand is geen tekstbestand"),
    (b"naam,adres\r\nJansen,Dorpsstraat 1\r\n",
     "Bestand geweigerd: De kopregel past bij geen van beide indelingen"),
], ids=["empty", "header-only", "png", "neither-layout"])
def test_refused_file_exits_non_zero_with_the_message_and_writes_nothing(tmp_path, capsys,
                                                                        data, message):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert run(import_prescriptions, str(path), "--practice", "NIEUW") == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"CommandError: {message}")
    assert captured.out == ""
    # Not even the new practice is kept.
    assert (Practice.objects.count(), ImportBatch.objects.count(), Patient.objects.count(),
            Prescription.objects.count()) == (0, 0, 0, 0)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Bestand “.*niet-er.csv” kan niet worden gelezen"):
        call_command("import_prescriptions", str(tmp_path / "niet-er.csv"), "--practice", "X")
    assert not Practice.objects.exists()


@pytest.mark.parametrize("value", ["15-09-2026", "2026-02-30", "morgen", "2026-13-01", ""])
def test_groslijst_with_a_bad_reference_date_is_a_clear_error(practice, tmp_path, capsys, value):
    out = tmp_path / "groslijst.csv"
    status = run(groslijst_command, "--practice", practice.code, "--reference-date", value,
                 "--csv", str(out))
    assert status == 1
    assert capsys.readouterr().err == (
        f"CommandError: Peildatum “{value}” is geen geldige datum (verwacht JJJJ-MM-DD).\n")
    assert not out.exists()


def test_groslijst_of_an_unknown_practice_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Praktijk “ONBEKEND” bestaat niet."):
        call_command("groslijst", "--practice", "ONBEKEND", "--reference-date", "2026-09-15",
                     "--csv", str(tmp_path / "g.csv"))


def test_groslijst_without_chronic_users_is_only_the_header(practice, tmp_path):
    out = tmp_path / "groslijst.csv"
    call_command("groslijst", "--practice", practice.code, "--reference-date", "2026-09-15",
                 "--csv", str(out), stderr=io.StringIO())
    assert out.read_bytes() == (b"patient_number,recent_and_past,over_90_units,units_12m,"
                                b"ddd_per_day,complex_comedication\r\n")


def test_groslijst_to_standard_output(capsys):
    import_(SAMPLE_HIS, "NIEUW")
    assert run(groslijst_command, "--practice", "NIEUW", "--reference-date",
               SAMPLE_REFERENCE_DATE, "--csv", "-") == 0
    assert capsys.readouterr().out.replace("\r\n", "\n") == EXPECTED_HIS.read_text().replace(
        "\r\n", "\n")


@pytest.mark.parametrize("code", ["X" * 31, "HAP OOST", "hé", ""])
def test_import_into_a_practice_code_that_cannot_be_a_code_is_a_clear_error(code, capsys):
    assert run(import_prescriptions, str(SAMPLE_HIS), "--practice", code) == 1
    assert capsys.readouterr().err.startswith(f"CommandError: Praktijkcode “{code}” is ongeldig")
    assert not Practice.objects.exists()


def test_practice_code_of_thirty_characters_is_accepted():
    assert "aangemaakt" in import_(SAMPLE_APOTHEEK, "P" * 30)


def test_groslijst_to_standard_output_can_be_captured():
    import_(SAMPLE_APOTHEEK, "NIEUW")
    out = io.StringIO()
    call_command("groslijst", "--practice", "NIEUW", "--reference-date", SAMPLE_REFERENCE_DATE,
                 "--csv", "-", stdout=out)
    assert out.getvalue().encode() == EXPECTED_APOTHEEK.read_bytes()
