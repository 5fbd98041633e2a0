"""Clinical rules of the project, without the ORM (docs/domain.md, step 2).

The one home of each rule; queries are built from these definitions.
"""

# Benzodiazepines and the Z-drugs: ATC groups N05BA, N05CD and N05CF.
BENZO_ATC_PREFIXES: tuple[str, ...] = ("N05BA", "N05CD", "N05CF")


def is_benzodiazepine(atc: str) -> bool:
    return atc.startswith(BENZO_ATC_PREFIXES)
