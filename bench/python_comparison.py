"""`matchfund replay` next to a hand-written Python program of the same campaign, on the same events.

    /usr/bin/python3 bench/python_comparison.py [--donations N ...] [--rounds R] [--seed S]
                                                [--cli build/matchfund] [--check-only]

For each N (default 1,000,000), generates N donations of rules/tencent-99-2018.yaml with
`matchfund generate` into a temporary folder, then in R interleaved rounds runs, each in a child
process, `matchfund replay` of the file and bench/tencent_2018_in_python.py (a single-pass plain
Python program of the same rules), and measures each child's CPU time (user + sys) and wall time.
Every run's ledger.csv must be byte-identical to the engine's: on any difference it prints the
first differing line and exits with status 1. Prints min / median / max CPU and wall seconds for
each, and the ratio of the median CPU times (Python / matchfund).

--check-only (default 20,000 donations) times nothing: it checks the ledgers once with the real
budgets and once with each of BUDGET_VARIANTS (small fund budgets, so that funds run out, matches
are partial and the limits show in `limited_by`), and prints how many ledger lines it compared.
"""

import argparse
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
RULES = REPO / "rules" / "tencent-99-2018.yaml"
PROJECTS = REPO / "rules" / "tencent-99-2018-projects.csv"
PYTHON_PROGRAM = REPO / "bench" / "tencent_2018_in_python.py"

# The budget lines of rules/tencent-99-2018.yaml, and the Python program's flag for each.
BUDGET_LINES = {
    "tencent": ("budget: 2.9999亿", "--budget", "tencent="),
    "tencent-daily": ("amount: 9999万", "--daily-amount", ""),
    "enterprise-a": ("budget: 500万", "--budget", "enterprise-a="),
    "enterprise-b": ("budget: 300万", "--budget", "enterprise-b="),
}
# "tiny": everything runs out early on the first day; "short": each day's tencent tranche and the
# enterprise funds run out part of the way through a 20,000-donation stream.
BUDGET_VARIANTS = {
    "tiny budgets": {"tencent": "3000.00", "tencent-daily": "1000.00", "enterprise-a": "300.00",
                     "enterprise-b": "800.00"},
    "short budgets": {"tencent": "6万", "tencent-daily": "2万", "enterprise-a": "3万", "enterprise-b": "4万"},
}


class Run:
    """One child process's CPU seconds (user + sys) and wall seconds."""

    def __init__(self, command):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True)
        self.wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Only one child runs at a time, so the difference is this child's own usage.
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if finished.returncode != 0:
            raise SystemExit(f"failed ({finished.returncode}): {' '.join(map(str, command))}\n{finished.stderr}")


def generate_events(cli, donations, seed, folder):
    events = folder / f"events-{donations}.csv"
    Run([cli, "generate", RULES, "--donations", str(donations), "--seed", str(seed), "--out", events])
    return events


def write_rules_variant(budgets, folder):
    """A copy of the rules with other budgets, next to a copy of its projects file."""
    text = RULES.read_text(encoding="utf-8")
    for name, amount in budgets.items():
        line = BUDGET_LINES[name][0]
        if text.count(line) != 1:
            raise SystemExit(f"{RULES}: expected the line '{line}' once; update BUDGET_LINES")
        key = line.split(":")[0]
        text = text.replace(line, f'{key}: "{amount}"')
    variant = folder / "variant"
    variant.mkdir(exist_ok=True)
    shutil.copy(PROJECTS, variant / PROJECTS.name)
    (variant / RULES.name).write_text(text, encoding="utf-8")
    return variant / RULES.name


def python_flags(budgets):
    flags = []
    for name, amount in budgets.items():
        _, flag, prefix = BUDGET_LINES[name]
        flags += [flag, prefix + amount]
    return flags


def run_engine(cli, rules, events, folder):
    out = folder / "engine-out"
    shutil.rmtree(out, ignore_errors=True)
    run = Run([cli, "replay", rules, events, "--out", out])
    return run, out / "ledger.csv"


def run_python(events, folder, flags):
    ledger = folder / "python-ledger.csv"
    run = Run([sys.executable, PYTHON_PROGRAM, PROJECTS, events, ledger, *flags])
    return run, ledger


def compare_ledgers(engine_ledger, python_ledger, what):
    """The number of ledger lines (header excluded) when both files are byte-identical; else exits."""
    expected, actual = engine_ledger.read_bytes(), python_ledger.read_bytes()
    if expected == actual:
        return expected.count(b"\n") - 1
    expected_lines, actual_lines = expected.split(b"\n"), actual.split(b"\n")
    for number, (want, got) in enumerate(zip(expected_lines, actual_lines), start=1):
        if want != got:
            raise SystemExit(f"LEDGER MISMATCH ({what}) at line {number}:\n  matchfund: {want!r}\n  python:    {got!r}")
    raise SystemExit(f"LEDGER MISMATCH ({what}): matchfund wrote {len(expected_lines)} lines, "
                     f"python {len(actual_lines)} (one is a prefix of the other)")


def check_only(cli, donations, seed, folder):
    variants = {"real budgets": {}, **BUDGET_VARIANTS}
    events = generate_events(cli, donations, seed, folder)
    total = 0
    for name, budgets in variants.items():
        rules = write_rules_variant(budgets, folder) if budgets else RULES
        _, engine_ledger = run_engine(cli, rules, events, folder)
        _, python_ledger = run_python(events, folder, python_flags(budgets))
        lines = compare_ledgers(engine_ledger, python_ledger, f"{donations:,} donations, {name}")
        print(f"{donations:,} donations, {name}: {lines:,} ledger lines byte-identical")
        total += lines
    print(f"{donations:,} donations: {total:,} ledger lines compared in all, no difference")


def time_both(cli, donations, seed, rounds, folder):
    events = generate_events(cli, donations, seed, folder)
    engine_runs, python_runs = [], []
    for round_number in range(1, rounds + 1):
        engine_run, engine_ledger = run_engine(cli, RULES, events, folder)
        python_run, python_ledger = run_python(events, folder, [])
        lines = compare_ledgers(engine_ledger, python_ledger, f"{donations:,} donations, round {round_number}")
        engine_runs.append(engine_run)
        python_runs.append(python_run)
    print(f"{donations:,} donations of {RULES.name} (seed {seed}), {rounds} interleaved rounds; "
          f"ledger.csv byte-identical in every round ({lines:,} lines)")
    print_table([("matchfund replay", engine_runs), (PYTHON_PROGRAM.name, python_runs)])


def spread(values):
    return f"{min(values):7.2f} {statistics.median(values):7.2f} {max(values):7.2f}"


def print_table(rows):
    print(f"  {'':<26} {'CPU s: min  median    max':>25}   {'wall s: min  median    max':>25}")
    for label, runs in rows:
        print(f"  {label:<26} {spread([r.cpu for r in runs]):>25}   {spread([r.wall for r in runs]):>25}")
    (_, engine_runs), (_, python_runs) = rows
    cpu_ratio = statistics.median(r.cpu for r in python_runs) / statistics.median(r.cpu for r in engine_runs)
    wall_ratio = statistics.median(r.wall for r in python_runs) / statistics.median(r.wall for r in engine_runs)
    print(f"  Python / matchfund, median CPU: {cpu_ratio:.1f}x  (median wall: {wall_ratio:.1f}x)")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, nargs="+", help="stream sizes (default 1,000,000; 20,000 with --check-only)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--cli", default=str(REPO / "build" / "matchfund"))
    parser.add_argument("--check-only", action="store_true",
                        help="compare the ledgers once per budget variant, without timing")
    arguments = parser.parse_args()
    if arguments.donations is None:
        arguments.donations = [20_000] if arguments.check_only else [1_000_000]
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    return arguments


def main():
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="matchfund-python-comparison-") as folder:
        folder = pathlib.Path(folder)
        for donations in arguments.donations:
            if arguments.check_only:
                check_only(arguments.cli, donations, arguments.seed, folder)
            else:
                time_both(arguments.cli, donations, arguments.seed, arguments.rounds, folder)


if __name__ == "__main__":
    main()
