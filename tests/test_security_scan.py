"""bandit runs in `make test` over the app code, and every accepted finding says why
(docs/security.md, hostile files and bad input)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ("benzoproject", "patients", "letters", "tapering", "monitoring")
ANNOTATION = re.compile(r"# nosec (B\d{3})(?:,? B\d{3})* - \S")


def test_make_test_runs_bandit_over_the_app_code():
    makefile = (ROOT / "Makefile").read_text()
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "security" in test_rule.split()
    security = makefile.split("\nsecurity:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/bandit -c pyproject.toml -r $(BANDIT_TARGETS)" in security
    targets = next(line for line in makefile.splitlines() if line.startswith("BANDIT_TARGETS"))
    assert set(APP) <= set(targets.split(":=", 1)[1].split())
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["bandit"]
    assert {"tests", ".venv"} <= set(config["exclude_dirs"])
    assert "skips" not in config  # accepted findings are annotated where they are


def test_every_accepted_finding_names_its_test_and_its_reason():
    annotated = 0
    for app in APP:
        for path in (ROOT / app).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if "nosec" in line:
                    annotated += 1
                    assert ANNOTATION.search(line), f"{path.relative_to(ROOT)}:{number}"
    assert annotated >= 10
