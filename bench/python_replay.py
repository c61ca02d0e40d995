"""Replay from Python next to the command line, on the same events.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_replay.py [--donations N] [--rounds R]

Generates N donations of rules/tencent-99-2018.yaml (seed 1) into a file, then times, in turns,
R times each, every run in a fresh process (so each pays for its memory as a fresh process
does): `matchfund replay` of the file (no trace), matchfund.replay of the same events as a
DataFrame already in memory (read by matchfund.read_events before the clock starts), and
matchfund.replay of the file's path. Prints each one's wall seconds (min, median, max), the
ratios of the medians to the command line's, and the DataFrame conversion of the results
(included in the Python times). Checks that every run gives the same funds table."""

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
RULES = REPO / "rules" / "tencent-99-2018.yaml"

PYTHON_RUN = r"""
import json, sys, time
import matchfund
rules = matchfund.load_rules(sys.argv[1])
source = matchfund.read_events(sys.argv[2], rules) if sys.argv[3] == "frame" else sys.argv[2]
started = time.perf_counter()
result = matchfund.replay(rules, source, trace=False)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "ledger": len(result.ledger),
                  "drawn": result.funds.set_index("fund")["drawn"].astype(int).to_dict()}))
"""


def cli_run(cli, events, out):
    started = time.perf_counter()
    subprocess.run([cli, "replay", str(RULES), str(events), "--out", str(out)], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    funds = (out / "funds.csv").read_text().splitlines()[1:]
    drawn = {line.split(",")[0]: int(line.split(",")[3].replace(".", "")) for line in funds}
    return {"seconds": seconds, "drawn": drawn}


def python_run(events, form):
    finished = subprocess.run([sys.executable, "-c", PYTHON_RUN, str(RULES), str(events), form], check=True,
                              capture_output=True, text=True)
    return json.loads(finished.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cli", default=str(REPO / "build" / "matchfund"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="matchfund-bench-") as folder:
        folder = pathlib.Path(folder)
        events = folder / "events.csv"
        subprocess.run([arguments.cli, "generate", str(RULES), "--donations", str(arguments.donations), "--seed", "1",
                        "--out", str(events)], check=True, capture_output=True)
        times = {"cli": [], "frame": [], "path": []}
        drawn = set()
        for _ in range(arguments.rounds):
            for name in times:
                run = cli_run(arguments.cli, events, folder / "out") if name == "cli" else python_run(events, name)
                times[name].append(run["seconds"])
                drawn.add(json.dumps(run["drawn"], sort_keys=True))
        if len(drawn) != 1:
            raise SystemExit(f"the runs disagree: {drawn}")
        print(f"{arguments.donations:,} donations of {RULES.name}, {arguments.rounds} rounds, wall seconds:")
        cli_median = statistics.median(times["cli"])
        for name, label in [("cli", "matchfund replay (file)"), ("frame", "matchfund.replay(DataFrame)"),
                            ("path", "matchfund.replay(path)")]:
            values = times[name]
            median = statistics.median(values)
            print(f"  {label:<30} min {min(values):.2f}  median {median:.2f}  max {max(values):.2f}"
                  f"  ({median / cli_median:.2f}x the command line)")


if __name__ == "__main__":
    main()
