"""The command ``taper_schedule`` (docs/domain.md#cli-taper-schedule; SPEC.md "Command
line"): the exact columns and rows, and each refusal with a Dutch message, a non-zero
exit and nothing written. The expected files are written out by hand.
"""

import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from patients.models import Substance
from tapering.schedule import Product
from tapering.schedules import diazepam, product_for_atc

from ..processes import ROOT, process_env
from .schedule_data import DIAZEPAM, PRODUCTS
from .schedule_helpers import reference_table  # noqa: F401 - an autouse fixture

pytestmark = pytest.mark.django_db

HEADER = ("step,start_date,days,atc,tablet_strength_mg,tablets_per_day,daily_dose_mg,"
          "tablets_needed\n")
TEMAZEPAM_NHG = HEADER + (
    "0,2027-01-04,7,N05BA01,5,2,10,14\n"
    "1,2027-01-11,7,N05BA01,5,1.5,7.5,10.5\n"
    "2,2027-01-18,7,N05BA01,5,1,5,7\n"
    "3,2027-01-25,7,N05BA01,5,0.5,2.5,3.5\n"
    "4,2027-02-01,0,N05BA01,5,0,0,0\n")
OXAZEPAM_DEPRESCRIBING = HEADER + (
    "0,2027-01-04,14,N05BA04,50,1,50,14\n"
    "1,2027-01-18,14,N05BA04,50,0.75,37.5,10.5\n"
    "2,2027-02-01,14,N05BA04,50,0.5,25,7\n"
    "3,2027-02-15,14,N05BA04,50,0.25,12.5,3.5\n"
    "4,2027-03-01,14,N05BA04,10,0.75,7.5,10.5\n"
    "5,2027-03-15,0,N05BA04,10,0,0,0\n")


def taper(*argv: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("taper_schedule", *argv, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(folder: Path, *argv: str) -> str:
    """Run a refused command; check nothing was written in ``folder``; return the message."""
    before = sorted(folder.iterdir())
    with pytest.raises(CommandError) as error:
        taper(*argv)
    assert sorted(folder.iterdir()) == before
    return str(error.value)


# Temazepam 20 mg tablets, 20 mg a day, from Monday 4 January 2027.
TEMAZEPAM = {"--atc": "N05CD07", "--strength-mg": "20", "--dose-mg": "20", "--preset": "nhg",
             "--start": "2027-01-04"}
TEMAZEPAM_ARGS = (*[item for pair in TEMAZEPAM.items() for item in pair], "--switch-diazepam")


def temazepam_with(**change: str) -> list[str]:
    """The temazepam options (no switch) with some changed: ``temazepam_with(dose_mg="21")``."""
    options = {**TEMAZEPAM, **{f"--{k.replace('_', '-')}": v for k, v in change.items()}}
    return [item for pair in options.items() for item in pair]


def test_the_temazepam_nhg_switch_is_written_with_the_exact_columns_and_rows(tmp_path):
    out = tmp_path / "schema.csv"
    _stdout, err = taper(*TEMAZEPAM_ARGS, "--csv", str(out))
    assert out.read_bytes() == TEMAZEPAM_NHG.encode("utf-8")  # "\n", no BOM, no CR
    assert "Afbouwschema met 5 stappen geschreven naar" in err
    assert ("Overstap: 20 mg temazepam per dag is 10 mg diazepam (Ashton (benzo.org.uk), "
            "via de referentietabel). Een huisarts moet deze dosis bevestigen.") in err
    assert "verschillen de tabellen" not in err  # temazepam is not among the uncertain ones


def test_the_oxazepam_deprescribing_schedule_goes_to_standard_output_with_csv_dash():
    out, err = taper("--atc", "N05BA04", "--strength-mg", "50", "--dose-mg", "50",
                     "--preset", "deprescribing", "--start", "2027-01-04", "--csv", "-")
    assert out == OXAZEPAM_DEPRESCRIBING
    assert err == ""


def test_a_switch_from_a_substance_where_tables_disagree_says_so():
    _out, err = taper("--atc", "N05CF02", "--strength-mg", "10", "--dose-mg", "10",
                      "--preset", "nhg", "--switch-diazepam", "--csv", "-")
    assert "10 mg zolpidem per dag is 5 mg diazepam" in err
    assert ("Voor zolpidem verschillen de tabellen het meest. Controleer de omgerekende dosis "
            "extra goed.") in err


def test_custom_share_and_interval_and_decimal_commas(tmp_path):
    out, _err = taper("--atc", "n05ba06", "--strength-mg", "0,5", "--dose-mg", "1",
                      "--preset", "nhg", "--step-percent", "50", "--interval-days", "10",
                      "--start", "2027-01-04", "--csv", "-")
    assert out == HEADER + (
        "0,2027-01-04,10,N05BA06,0.5,2,1,20\n"
        "1,2027-01-14,10,N05BA06,0.5,1,0.5,10\n"
        "2,2027-01-24,0,N05BA06,0.5,0,0,0\n")


@time_machine.travel(datetime(2027, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False)
def test_the_start_defaults_to_today_in_amsterdam():
    # 23:30 UTC on 1 March is already 2 March in Amsterdam.
    out, _err = taper("--atc", "N05BA01", "--strength-mg", "10", "--dose-mg", "10",
                      "--preset", "nhg", "--csv", "-")
    assert out.splitlines()[1].startswith("0,2027-03-02,7,")


def test_an_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "schema.csv"
    out.write_text("old\n" * 1000)
    taper(*TEMAZEPAM_ARGS, "--csv", str(out))
    assert out.read_text(encoding="utf-8") == TEMAZEPAM_NHG
    assert [p.name for p in tmp_path.iterdir()] == ["schema.csv"]


@pytest.mark.parametrize(("change", "message"), [
    ({"atc": "N05XX99"}, "ATC-code 'N05XX99' staat niet in de referentietabel."),
    ({"atc": "N05BA03", "strength_mg": "10", "dose_mg": "10"},
     "medazepam (N05BA03) is niet te koop in Nederland. Daarom kan de app er geen "
     "afbouwschema voor maken."),
    ({"strength_mg": "15"}, "temazepam bestaat niet in tabletten van 15 mg. In Nederland "
                            "zijn er tabletten van 10 mg of 20 mg."),
    ({"dose_mg": "21"}, "21 mg temazepam per dag kan niet met hele, halve of kwart "
                        "tabletten van 10 mg of 20 mg. Wel mogelijk in de buurt: 20 mg of "
                        "22,5 mg."),
    ({"dose_mg": "0"}, "De dosis per dag moet meer dan 0 mg zijn."),
    ({"dose_mg": "veel"}, "--dose-mg 'veel': geen getal."),
    ({"strength_mg": "NaN"}, "--strength-mg 'NaN': geen getal."),
    ({"start": "2027-02-30"}, "--start '2027-02-30': geen datum in de vorm JJJJ-MM-DD."),
    ({"start": "04-01-2027"}, "--start '04-01-2027': geen datum in de vorm JJJJ-MM-DD."),
    ({"preset": "snel"}, "--preset 'snel': kies nhg, deprescribing of slow."),
    ({"step_percent": "0"}, "Een stap moet meer dan 0 en hoogstens 100 procent zijn "
                            "(niet 0)."),
    ({"step_percent": "100,5"}, "Een stap moet meer dan 0 en hoogstens 100 procent zijn "
                                "(niet 100,5)."),
    ({"interval_days": "0"}, "Een stap moet 1 tot en met 365 dagen duren (niet 0)."),
    ({"interval_days": "366"}, "Een stap moet 1 tot en met 365 dagen duren (niet 366)."),
    ({"interval_days": "7.5"}, "--interval-days '7.5': geen heel getal."),
], ids=["unknown-atc", "not-marketed", "strength", "dose", "dose-zero", "dose-text",
        "strength-nan", "date", "date-dutch", "preset", "percent-zero", "percent-over",
        "interval-zero", "interval-over", "interval-decimal"])
def test_each_refusal_has_a_dutch_message_and_writes_nothing(tmp_path, change, message):
    argv = temazepam_with(**change)
    assert refused(tmp_path, *argv, "--csv", str(tmp_path / "schema.csv")) == message


@pytest.mark.parametrize("change", [
    {"step_percent": "100"}, {"step_percent": "0.1"}, {"interval_days": "1"},
    {"interval_days": "365"}, {"dose_mg": "22.5"}, {"strength_mg": "10"}],
    ids=["percent-100", "percent-small", "interval-1", "interval-365", "dose", "strength"])
def test_the_other_side_of_each_edge_is_accepted(tmp_path, change):
    out = tmp_path / "schema.csv"
    taper(*temazepam_with(**change), "--csv", str(out))
    assert out.read_text(encoding="utf-8").startswith(HEADER)


def test_a_switch_for_a_substance_without_an_ashton_figure_is_refused(tmp_path):
    Substance.objects.filter(atc="N05CD07").update(diazepam_10mg_equivalent_mg=None)
    assert refused(tmp_path, *TEMAZEPAM_ARGS, "--csv", str(tmp_path / "schema.csv")) == (
        "In de tabel staat niet hoeveel diazepam gelijk is aan temazepam. Daarom kan de "
        "overstap op diazepam niet worden berekend.")


def test_an_output_folder_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "nergens"
    with pytest.raises(CommandError) as error:
        taper(*TEMAZEPAM_ARGS, "--csv", str(missing / "schema.csv"))
    assert str(error.value) == f"De map {missing} bestaat niet."
    assert not missing.exists()


def test_an_output_path_that_cannot_be_written_is_refused(tmp_path):
    folder = tmp_path / "map"
    folder.mkdir()
    assert refused(tmp_path, *TEMAZEPAM_ARGS, "--csv", str(folder)) == (
        f"Het bestand {folder} kan niet worden geschreven.")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("change", "message"), [
    ({"atc": "N05XX99"}, "ATC-code 'N05XX99' staat niet in de referentietabel."),
    ({"start": "morgen"}, "--start 'morgen': geen datum in de vorm JJJJ-MM-DD."),
], ids=["unknown-atc", "bad-date"])
def test_from_the_shell_a_refusal_exits_1_without_a_traceback(tmp_path, change, message):
    out = tmp_path / "schema.csv"
    python = ROOT / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python if python.exists() else Path(sys.executable)), "manage.py",
         "taper_schedule", *temazepam_with(**change), "--csv", str(out)],
        cwd=ROOT, env=process_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert done.stdout == ""
    assert not out.exists()


def test_products_come_from_the_reference_table():
    assert product_for_atc(" n05cd07 ") == PRODUCTS["N05CD07"]
    assert product_for_atc("N05BA03") == Product(atc="N05BA03", name="medazepam",
                                                 strengths_mg=(), ashton_mg=10, ddd_mg=20)
    assert product_for_atc("N05XX99") is None
    assert diazepam() == DIAZEPAM
