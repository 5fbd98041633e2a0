"""Splitting a pharmacy list's names and addresses into the HIS export's fields.

Whole pandas columns at a time (``rules.people`` calls these once per distinct
name or address).
"""

import re

import pandas as pd

SURNAME_PREFIXES = {"van", "de", "der", "den", "het", "'t", "t", "ten", "ter", "te", "in",
                    "op", "von", "la", "le", "du", "d'", "des", "del", "da", "dos", "el"}

PREFIX_PATTERN = (r"^((?:(?:" + "|".join(re.escape(p) for p in sorted(SURNAME_PREFIXES))
                  + r")\s+)+)(\S.*)$")


def split_names(names: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """'van der Meer, A.' → ('Meer', 'van der', 'A.'), for a whole column at once."""
    parts = names.str.extract(r"^(.*),([^,]*)$")
    surname = parts[0].fillna(names).str.strip()
    initials = parts[1].fillna("").str.strip()
    prefixed = surname.str.extract(PREFIX_PATTERN, flags=re.IGNORECASE)
    prefix = prefixed[0].fillna("").str.strip().str.lower()
    surname = prefixed[1].fillna(surname)
    return surname.astype("str"), prefix.astype("str"), initials.astype("str")


def split_addresses(addresses: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'Burgemeester de Kockstraat 110' → ('Burgemeester de Kockstraat', '110').

    The house number is the last number (with a suffix such as '-2', 'a' or ' bis'), so a
    street with a number in its name keeps it: 'Plein 1944 12' → ('Plein 1944', '12').
    """
    parts = addresses.str.extract(r"^(.*\S)\s+([0-9]+\S*(?:\s+[^\s0-9]\S*)?)$")
    return parts[0].fillna(addresses).astype("str"), parts[1].fillna("").astype("str")
