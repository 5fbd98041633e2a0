"""The import-linter contracts in pyproject.toml catch a forbidden import.

`make lint` runs `lint-imports` on the real code. These tests check the
contracts themselves: on a small tree that keeps the layers
(core < patients < letters < tapering < monitoring, docs/architecture.md) they
hold, and one import of `letters` from `patients` breaks them, in that small
tree and in a copy of the real one.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter comes with the test extra")

ROOT = Path(__file__).resolve().parent.parent
APPS = ("benzoproject", "patients", "letters", "tapering", "monitoring")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# A tree that keeps every contract: each app imports only the app below it, and the
# core uses the organisation models of `patients` (the one allowed exception).
LAYERED_TREE = {
    "benzoproject/middleware.py": "",
    "benzoproject/access.py": "from patients import models\n",
    "patients/models.py": "",
    "patients/audit.py": "from benzoproject import middleware\n",
    "patients/views.py": "from benzoproject import access\nfrom patients import audit\n",
    "letters/models.py": "from patients import models\n",
    "letters/services.py": "from letters import models\n",
    "tapering/services.py": "from letters import services\n",
    "monitoring/views.py": "from tapering import services\n",
}


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(tree / "pyproject.toml")],
        cwd=tree, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
        capture_output=True, text=True, timeout=120,
    )


def _layered_tree(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for app in APPS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    for name, source in LAYERED_TREE.items():
        (tmp_path / name).write_text(source)
    return tmp_path


def test_a_tree_that_keeps_the_layers_passes(tmp_path):
    result = _lint_imports(_layered_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_patients_importing_letters_fails(tmp_path):
    tree = _layered_tree(tmp_path)
    (tree / "patients" / "views.py").write_text("from letters import models\n")
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "patients imports no later app BROKEN" in result.stdout
    assert "patients.views -> letters.models" in result.stdout


def test_a_cycle_inside_an_app_fails(tmp_path):
    tree = _layered_tree(tmp_path)
    (tree / "letters" / "models.py").write_text("from letters import services\n")
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no cycles between the modules of an app BROKEN" in result.stdout


def test_the_core_importing_a_later_app_fails(tmp_path):
    tree = _layered_tree(tmp_path)
    (tree / "benzoproject" / "views.py").write_text("from tapering import services\n")
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the core imports no later app BROKEN" in result.stdout


def test_the_real_code_with_patients_importing_letters_fails(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app,
                        ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (tmp_path / "patients" / "forbidden_probe.py").write_text("import letters.models\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "patients.forbidden_probe -> letters.models" in result.stdout
