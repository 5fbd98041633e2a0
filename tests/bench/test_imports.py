"""The benchmarks import the app's code inside their steps (each runs in a child process
after Django is set up), so a name moved in the app would only fail during `make bench`.
This test resolves every import the bench modules make, at any depth."""

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _imports():
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    yield pytest.param(node.module, alias.name,
                                       id=f"{path.name}:{node.lineno}:{alias.name}")


# Importing locust patches the whole process for gevent (sockets, ssl, threads): only that
# it is installed is checked here; bench/load.py runs it in a process of its own.
NOT_IMPORTED = {"locust"}


@pytest.mark.parametrize(("module", "name"), list(_imports()))
def test_every_name_a_benchmark_imports_exists(module, name):
    if module.split(".")[0] in NOT_IMPORTED:
        assert importlib.util.find_spec(module), f"{module} is not installed"
        return
    imported = importlib.import_module(module)
    assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}"), (
        f"{module} has no {name}")
