"""Write a synthetic prescription export of any size, in either layout of docs/formats.md.

    python -m bench.generate --layout his --patients 100000 --out FILE
        [--seed 1] [--reference 2026-09-15]

The same arguments give the same bytes (one ``random.Random(seed)``). About five
rows per patient, dated over the 24 months up to the reference date; about 60%
benzodiazepine rows (ATC codes and strengths from ``benzo_reference.csv``), the
rest comedication, including the complex-comedication codes and their
exceptions of docs/domain.md, step 2. About 0.1% of the rows are damaged in the ways
docs/formats.md says a row is rejected (each kind counted), and about 1% are written
twice, byte for byte. The damage keeps the field count, so PostgreSQL's own
``COPY`` still reads every row (the benchmark's baseline).

HIS: cp1252, ``;``, CRLF. Pharmacy: UTF-8 with a byte-order mark, ``,``, LF,
the strength inside the article text. Rows are written as they are made, so a
file of any size is never held in memory.
"""

import argparse
import csv
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

REFERENCE = date(2026, 9, 15)
REFERENCE_CSV = Path(__file__).resolve().parent.parent / "patients" / "data" / "benzo_reference.csv"

HIS_COLUMNS = ("patientnummer", "achternaam", "tussenvoegsel", "voorletters", "geslacht",
               "geboortedatum", "straat", "huisnummer", "postcode", "woonplaats", "telefoon",
               "huisarts", "voorschrijfdatum", "atc", "omschrijving", "sterkte", "eenheid",
               "aantal", "gebruiksvoorschrift")
APOTHEEK_COLUMNS = ("Patiëntnummer", "Naam", "Geboortedatum", "Adres", "Postcode", "Woonplaats",
                    "Voorschrijver", "Afleverdatum", "ATC", "Artikel", "Aantal", "Dosering")
LAYOUTS = ("his", "apotheek")

DAMAGED_SHARE = 0.001  # docs/formats.md#rejected-rows
DUPLICATE_SHARE = 0.01  # docs/formats.md#variations: the same prescription twice in one file

# How often each marketed benzodiazepine is prescribed, roughly as in Dutch
# general practice (oxazepam, diazepam and temazepam far ahead); others weigh 1.
BENZO_WEIGHTS = {"N05BA04": 30, "N05BA01": 20, "N05CD07": 14, "N05CF02": 9, "N05CF01": 7,
                 "N05BA06": 6, "N05CD02": 4, "N05BA08": 3, "N05BA12": 3, "N05CD06": 3,
                 "N05CD08": 1, "N05BA09": 1}
BENZO_FORMS = {"N05CD07": ("capsule",), "N05BA05": ("capsule",),
               "N05CF01": ("tablet", "tablet omhuld"), "N05CF02": ("tablet", "tablet omhuld"),
               "N05BA04": ("tablet", "tablet", "tablet omhuld")}

# (ATC, name, strengths in mg or () for none, form, weight). Includes docs/domain.md
# step 2's complex comedication (L, M03, M09A, N02A, N03, N05A) and its
# exceptions (M09AA01 quinine, N02AJ06 codeine with paracetamol).
COMEDICATION = (
    ("N06AB06", "Sertraline", ("50", "100"), "tablet", 8),
    ("N06AB04", "Citalopram", ("10", "20"), "tablet", 6),
    ("N06AX11", "Mirtazapine", ("15", "30"), "tablet", 4),
    ("C07AB02", "Metoprolol", ("50", "100"), "tablet mga", 10),
    ("C10AA05", "Atorvastatine", ("10", "20", "40"), "tablet", 10),
    ("C09AA02", "Enalapril", ("10", "20"), "tablet", 5),
    ("A02BC01", "Omeprazol", ("20", "40"), "capsule msr", 10),
    ("A10BA02", "Metformine", ("500", "850"), "tablet", 6),
    ("B01AC06", "Acetylsalicylzuur", ("80",), "dispergeerbare tablet", 5),
    ("N02BE01", "Paracetamol", ("500",), "tablet", 8),
    ("M01AE01", "Ibuprofen", ("400",), "tablet", 5),
    ("N05CH01", "Melatonine", ("3",), "tablet mga", 3),
    ("A06AD65", "Macrogol/elektrolyten", (), "poeder voor drank", 3),
    ("N02AA01", "Morfine", ("10", "30"), "tablet mga", 2),
    ("N02AA05", "Oxycodon", ("5", "10"), "tablet", 2),
    ("N02AX02", "Tramadol", ("50",), "capsule", 2),
    ("N02AJ06", "Paracetamol/codeïne", ("500/10",), "tablet", 2),
    ("N03AX16", "Pregabaline", ("75", "150"), "capsule", 2),
    ("N03AX09", "Lamotrigine", ("50", "100"), "tablet", 1),
    ("N05AH04", "Quetiapine", ("25", "100"), "tablet", 2),
    ("M03BX01", "Baclofen", ("10",), "tablet", 1),
    ("M09AA01", "Kininesulfaat", ("100", "200"), "tablet", 2),
    ("L04AX03", "Methotrexaat", ("2,5",), "tablet", 1),
    ("L02BA01", "Tamoxifen", ("20",), "tablet", 1),
)

PLAIN_SURNAMES = (
    "Jansen", "Janssen", "Bakker", "Visser", "Smit", "Smits", "Meijer", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "Dekker", "Dijkstra", "Willems", "Verhoeven", "Kok", "Jacobs",
    "Schouten", "Vermeulen", "Brouwer", "Hoekstra", "Postma", "Kuipers", "Koster", "Prins",
    "Huisman", "Kramer", "Timmermans", "Gerritsen", "Maas", "Verbeek", "Scholten", "Hermans",
    "Groenevéld", "Müller", "Schröder", "Yilmaz", "Çelik", "Koç", "El Idrissi", "El Amrani",
    "Bouzid", "Nguyen", "Öztürk", "Ramdin", "Kartosen-Wong", "Jansen-Bakker", "Oudshoorn",
)
PREFIXED_SURNAMES = (
    ("de", "Vries"), ("de", "Jong"), ("de", "Boer"), ("de", "Groot"), ("de", "Wit"),
    ("de", "Bruijn"), ("de", "Haan"), ("de", "Graaf"), ("van", "Dijk"), ("van", "Leeuwen"),
    ("van", "Beek"), ("van", "Veen"), ("van", "Wijk"), ("van den", "Berg"),
    ("van den", "Heuvel"), ("van den", "Brink"), ("van der", "Meer"), ("van der", "Linden"),
    ("van der", "Wal"), ("van der", "Heijden"), ("van de", "Velde"), ("van de", "Kamp"),
    ("ten", "Kate"), ("ter", "Horst"), ("'t", "Hart"), ("in 't", "Veld"), ("van 't", "Zand"),
)
INITIALS = "ABCDEFGHIJKLMNPRSTW"
STREETS = (
    "Dorpsstraat", "Kerkstraat", "Molenlaan", "Julianalaan", "Beatrixstraat", "Stationsplein",
    "Burgemeester de Kockstraat", "Nieuwe Gracht", "Schoolstraat", "Eikenlaan", "Kerkweg",
    "Lindelaan", "Prins Bernhardlaan", "Van Goghstraat", "Hoofdstraat", "Rijnkade",
    "Parkweg", "Wilhelminastraat", "Dr. Schaepmanstraat", "Sint Jansstraat", "'t Hofje",
    "Ireneplein", "Groenestraat", "Velperweg", "Zutphensestraatweg",
)
CITIES = ("Arnhem", "Velp", "Duiven", "Oosterbeek", "Zevenaar", "Rheden", "Elst", "Westervoort",
          "Dieren", "Renkum", "Wolfheze", "Huissen")
GPS = ("S. van Dam", "M. Öztürk", "H. de Jong", "A.J. Bakker", "R. Hoekstra-de Wit",
       "E. Kramer", "F. el Khatib", "J. van 't Veer")
OTHER_PRESCRIBERS = ("K. Janssen (psychiater)", "Rijnstate, poli neurologie",
                     "P. Smulders (specialist ouderengeneeskunde)", "Dienstapotheek Arnhem")
BENZO_DOSAGES = ("1 dd 1 tablet", "zo nodig 1 tablet voor de nacht", "1 x per dag 1 tablet a.n.",
                 "2 dd 1/2 tablet", "max 2 per dag", "1-2 dd 1", "3dd1", "1 tablet voor de nacht",
                 "zo nodig 1 tablet, max 3 per dag", "2 dd 1 tablet; bij angst 1 extra",
                 "volgens afspraak afbouwen")
COMEDICATION_DOSAGES = ("1 dd 1 tablet", "2 dd 1 tablet", "3dd1", "1 dd 1", "zo nodig",
                        "3 dd 1 tablet na het eten", "1 x per week 4 tabletten",
                        "'s ochtends 1, 's avonds 1", "volgens schema trombosedienst")
BENZO_UNITS = (10, 15, 20, 30, 30, 30, 50, 60, 60, 90, 100, 120)
OCCASIONAL_UNITS = (10, 10, 15, 20, 20, 30, 30)
COMEDICATION_UNITS = (28, 30, 30, 60, 90, 100, 120, 14, 20)


@dataclass(frozen=True)
class Product:
    atc: str
    his_description: str  # "Zopiclon 7,5mg tablet"
    his_strength: str  # "7,5" ('' when the product has none)
    article: str  # "ZOPICLON 7,5 MG TABLET OMHULD"


@dataclass
class Stats:
    rows: int = 0  # data rows written (header not counted), duplicates and damaged included
    patients: int = 0
    benzo_rows: int = 0
    duplicates: int = 0
    damaged: Counter = field(default_factory=Counter)  # docs/formats.md reason → rows

    @property
    def damaged_rows(self) -> int:
        return sum(self.damaged.values())


def _benzo_choices() -> tuple[list[tuple[str, str, tuple[str, ...]]], list[int]]:
    """(ATC, Dutch name, strengths) of every benzodiazepine marketed in NL, and weights."""
    products, weights = [], []
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if not row["nl_strengths_mg"]:
                continue
            name = row["substance_nl"].split(" (")[0]
            name = name[0].upper() + name[1:]
            products.append((row["atc"], name, tuple(row["nl_strengths_mg"].split("|"))))
            weights.append(BENZO_WEIGHTS.get(row["atc"], 1))
    return products, weights


def _product(rng: random.Random, atc: str, name: str, strength: str, form: str) -> Product:
    """One product in both layouts' spelling; the strength with a decimal comma."""
    comma = strength.replace(".", ",")
    his_strength = comma if rng.random() < 0.95 else strength.replace(",", ".")
    if not strength:
        return Product(atc, f"{name} {form}", "", f"{name} {form}".upper())
    space = " " if rng.random() < 0.4 else ""
    return Product(atc, f"{name} {comma}mg {form}", his_strength.split("/")[0],
                   f"{name} {comma}{space}MG {form}".upper())


class _Generator:
    def __init__(self, rng: random.Random, layout: str, reference: date, months: int = 24,
                 long_term: bool = False):
        self.rng = rng
        # Chronic users who were so the whole time (a year at most missing at the start),
        # rather than courses of any length: a steady groslijst for the demo's earlier round.
        self.long_term = long_term
        self.layout = layout
        self.reference = reference
        self.first_day = reference - relativedelta(months=months)
        self.span = (reference - self.first_day).days
        self.benzos, self.benzo_weights = _benzo_choices()
        self.comedication = [c[:4] for c in COMEDICATION]
        self.comedication_weights = [c[4] for c in COMEDICATION]
        self.number = 100_000
        self.stats = Stats()

    # --- one patient ------------------------------------------------------------------

    def benzo_product(self) -> Product:
        atc, name, strengths = self.rng.choices(self.benzos, self.benzo_weights)[0]
        form = self.rng.choice(BENZO_FORMS.get(atc, ("tablet",)))
        return _product(self.rng, atc, name, self.rng.choice(strengths), form)

    def comedication_product(self) -> Product:
        atc, name, strengths, form = self.rng.choices(
            self.comedication, self.comedication_weights)[0]
        return _product(self.rng, atc, name, self.rng.choice(strengths) if strengths else "", form)

    def person(self) -> dict:
        rng = self.rng
        self.number += rng.randint(1, 3)
        if rng.random() < 0.3:
            prefix, surname = rng.choice(PREFIXED_SURNAMES)
        else:
            prefix, surname = "", rng.choice(PLAIN_SURNAMES)
        initials = "".join(f"{rng.choice(INITIALS)}." for _ in range(rng.choice((1, 1, 1, 2, 3))))
        age_days = int(rng.triangular(18, 98, 72) * 365.25)
        suffix = rng.choices(("", "a", "b", "-1", "-2", " bis", " hs"),
                             (75, 8, 3, 4, 5, 3, 2))[0]
        postcode_letters = rng.choice("ABCDEGHJKLMNPRTVWXZ") + rng.choice("ABCDEGHJKLMNPRTVWXZ")
        phone = (f"06-{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.7
                 else f"026-{rng.randint(3_000_000, 3_999_999)}" if rng.random() < 0.9 else "")
        return {
            "number": str(self.number), "surname": surname, "prefix": prefix,
            "initials": initials, "sex": rng.choices(("M", "V", "X", ""), (47, 52, 0.5, 0.5))[0],
            "birth": self.reference - timedelta(days=age_days),
            "street": rng.choice(STREETS), "house_number": f"{rng.randint(1, 250)}{suffix}",
            "postcode": f"{rng.randint(6800, 6999)} {postcode_letters}",
            "city": rng.choice(CITIES), "phone": phone, "gp": rng.choice(GPS),
        }

    def prescriptions(self) -> list[tuple[date, Product, int, str]]:
        """(date, product, units, dosage) of one patient, oldest first.

        A third use a benzodiazepine chronically (5–13 rows over up to two
        years, most of them the same product), a third now and then (1–5
        rows), and the rest only other medicines (1–4 rows): ~5 rows and ~60%
        benzodiazepines on average.
        """
        rng = self.rng
        kind = rng.random()
        if kind < 0.35:
            n, benzo_share, units = rng.randint(5, 13), 0.8, BENZO_UNITS
            end = rng.randint(0, 120)
            shortest = (max(180, self.span - end - 365) if self.long_term
                        else min(180, self.span - end))
            length = rng.randint(shortest, self.span - end)
            days = [end + length * k // (n - 1) + rng.randint(-10, 10) for k in range(n)]
            days = [min(max(d, 0), self.span) for d in days]
        else:
            if kind < 0.70:
                n, benzo_share, units = rng.randint(1, 5), 0.5, OCCASIONAL_UNITS
            else:
                n, benzo_share, units = rng.randint(1, 4), 0.0, OCCASIONAL_UNITS
            days = [rng.randint(0, self.span) for _ in range(n)]
        main_benzo = self.benzo_product()
        main_dosage = rng.choice(BENZO_DOSAGES)
        usual = [(self.comedication_product(), rng.choice(COMEDICATION_DOSAGES),
                  rng.choice(COMEDICATION_UNITS)) for _ in range(rng.randint(1, 3))]
        rows = []
        # One prescription per day at most, so the only repeats are the ones written twice.
        for day in sorted(set(days), reverse=True):
            when = self.reference - timedelta(days=day)
            if rng.random() < benzo_share:
                if rng.random() < 0.85:
                    rows.append((when, main_benzo, rng.choice(units), main_dosage))
                else:
                    rows.append((when, self.benzo_product(), rng.choice(units),
                                 rng.choice(BENZO_DOSAGES)))
            else:
                product, dosage, count = rng.choice(usual)
                rows.append((when, product, count, dosage))
        return rows

    # --- rows in the layout -------------------------------------------------------------

    def his_row(self, person: dict, when: date, product: Product, units: int,
                dosage: str) -> list[str]:
        return [person["number"], person["surname"], person["prefix"], person["initials"],
                person["sex"], person["birth"].strftime("%d-%m-%Y"), person["street"],
                person["house_number"], person["postcode"], person["city"], person["phone"],
                person["gp"], when.strftime("%d-%m-%Y"), product.atc, product.his_description,
                product.his_strength, "mg", str(units), dosage]

    def apotheek_row(self, person: dict, when: date, product: Product, units: int,
                     dosage: str) -> list[str]:
        name = " ".join(p for p in (person["prefix"], person["surname"]) if p)
        postcode = person["postcode"]
        if int(person["number"]) % 5:  # most pharmacies write the postcode without the space
            postcode = postcode.replace(" ", "")
        prescriber = (person["gp"] if self.rng.random() < 0.9
                      else self.rng.choice(OTHER_PRESCRIBERS))
        return [f"P{person['number']}", f"{name}, {person['initials']}",
                person["birth"].isoformat(), f"{person['street']} {person['house_number']}",
                postcode, person["city"], prescriber, when.isoformat(), product.atc,
                product.article, str(units), dosage]

    def damage(self, row: list[str], is_benzo: bool) -> tuple[list[str], str]:
        """The row broken in one way docs/formats.md rejects, and that way (field count kept)."""
        rng = self.rng
        his = self.layout == "his"
        date_col, atc_col, units_col = (12, 13, 17) if his else (7, 8, 10)
        kind = rng.choice(("number", "no date", "bad date", "atc", "units", "strength",
                           "benzo strength"))
        row = list(row)
        if kind == "number":
            row[0] = ""
        elif kind == "no date":
            row[date_col] = ""
        elif kind == "bad date":
            day, month = rng.choice(((31, 2), (30, 2), (29, 2), (31, 4), (31, 6), (31, 9)))
            year = 2025  # not a leap year, so 29 February does not exist either
            row[date_col] = (f"{day:02d}-{month:02d}-{year}" if his
                             else f"{year}-{month:02d}-{day:02d}")
        elif kind == "atc":
            row[atc_col] = rng.choice(("XYZ", "N5BA01", "N05B A01", "onbekend", "12345"))
        elif kind == "units":
            row[units_col] = rng.choice(("0", "-10", "veel", "2,5", "", "30 st"))
        elif kind == "strength" or not is_benzo:
            kind = "strength"
            if his:
                row[15] = rng.choice(("0", "abc", "-5", "n.v.t.", "0,0"))
            else:
                row[9] = rng.choice(("OXAZEPAM 0MG TABLET", "DIAZEPAM 0,0 MG TABLET",
                                     "TEMAZEPAM 0 MG CAPSULE"))
                row[atc_col] = {"O": "N05BA04", "D": "N05BA01", "T": "N05CD07"}[row[9][0]]
        else:  # a benzodiazepine without strength
            if his:
                row[15] = ""
            else:
                row[9] = " ".join(w for w in row[9].split() if not w[0].isdigit() and w != "MG")
        return row, kind

    def write(self, writer, patients: int) -> Stats:
        make_row: Callable[..., list[str]] = (self.his_row if self.layout == "his"
                                              else self.apotheek_row)
        rng, stats = self.rng, self.stats
        for _ in range(patients):
            person = self.person()
            stats.patients += 1
            for when, product, units, dosage in self.prescriptions():
                row = make_row(person, when, product, units, dosage)
                is_benzo = product.atc.startswith(("N05BA", "N05CD", "N05CF"))
                if rng.random() < DAMAGED_SHARE:
                    row, kind = self.damage(row, is_benzo)
                    stats.damaged[kind] += 1
                    copies = 1
                else:
                    copies = 2 if rng.random() < DUPLICATE_SHARE else 1
                    stats.duplicates += copies - 1
                for _copy in range(copies):
                    writer.writerow(row)
                stats.rows += copies
                stats.benzo_rows += copies if is_benzo else 0
        return stats


def generate_stats(path: str | Path, *, layout: str, patients: int, seed: int = 1,
                   reference: date = REFERENCE, months: int = 24,
                   long_term: bool = False) -> Stats:
    """Write the export and return what is in it (rows, duplicates, damaged rows by kind);
    the dates fall in the ``months`` months up to ``reference``; ``long_term``: the chronic
    users were so over (nearly) all of them."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    generator = _Generator(random.Random(seed), layout, reference, months, long_term)
    if layout == "his":
        encoding, delimiter, line_end, header = "cp1252", ";", "\r\n", HIS_COLUMNS
    else:
        encoding, delimiter, line_end, header = "utf-8-sig", ",", "\n", APOTHEEK_COLUMNS
    with open(path, "w", encoding=encoding, newline="", buffering=1 << 20) as file:
        writer = csv.writer(file, delimiter=delimiter, lineterminator=line_end)
        writer.writerow(header)
        return generator.write(writer, patients)


def generate(path: str | Path, *, layout: str, patients: int, seed: int = 1,
             reference: date = REFERENCE, months: int = 24, long_term: bool = False) -> int:
    """Write a synthetic export of ``patients`` patients to ``path``; the data rows written."""
    return generate_stats(path, layout=layout, patients=patients, seed=seed,
                          reference=reference, months=months, long_term=long_term).rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", choices=LAYOUTS, required=True)
    parser.add_argument("--patients", type=int, required=True)
    parser.add_argument("--out", required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference", type=date.fromisoformat, default=REFERENCE,
                        help="reference date R, YYYY-MM-DD (dates fall in the 24 months up to it)")
    args = parser.parse_args(argv)
    stats = generate_stats(args.out, layout=args.layout, patients=args.patients,
                           seed=args.seed, reference=args.reference)
    damaged = ", ".join(f"{kind} {n}" for kind, n in sorted(stats.damaged.items())) or "none"
    print(f"{args.out}: {stats.rows} rows for {stats.patients} patients, "
          f"{stats.benzo_rows} benzodiazepine rows, {stats.duplicates} duplicates, "
          f"{stats.damaged_rows} damaged ({damaged})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
