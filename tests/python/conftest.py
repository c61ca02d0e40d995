"""The Python module's tests: run by ctest (tests/CMakeLists.txt) with PYTHONPATH set to the build
tree's package and MATCHFUND_CLI to the command-line program, whose outputs are the reference."""

import csv
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
RULES = REPO / "rules"


def bundled_campaigns():
    """Every bundled rules file with its event file, by name."""
    pairs = []
    for rules in sorted(RULES.glob("*.yaml")):
        if rules.name.endswith("-demand.yaml"):
            continue
        pairs.append((rules, RULES / (rules.stem + "-events.csv")))
    return pairs


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("MATCHFUND_CLI")
    if not path:
        pytest.skip("MATCHFUND_CLI is not set (ctest sets it)")
    return path


def run_cli(cli, *arguments, check=True):
    return subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True, check=check)


def read_csv_rows(path):
    """A CSV file as a header and its rows of text."""
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    return rows[0], rows[1:]
