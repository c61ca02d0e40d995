"""matchfund from Python: load a bundled campaign, replay a day of donations, plot how the
Tencent pool ran out, and sweep its budget in a small simulation.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/replay_and_sweep.py [--out DIR]

The same steps are the cells of replay_and_sweep.ipynb."""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")  # draw to files; a notebook shows the figure inline instead

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import matchfund  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."), help="where the figure goes")
out = parser.parse_args().out

# --- cell: load a bundled campaign, with a smaller pool so that it runs out
rules = matchfund.load_rules(REPO / "rules" / "tencent-99-2018.yaml").with_overrides({"funds.tencent.budget": "50万"})
print(rules, rules.funds[["fund", "budget"]].to_string(index=False), sep="\n")

# --- cell: 100,000 generated donations, replayed
events = matchfund.generate(rules, donations=100_000, seed=1)
result = matchfund.replay(rules, events)
tencent = result.funds.set_index("fund").loc["tencent"]
print(f"tencent drew {rules.format_money(int(tencent['drawn']))} yuan; ran out at {tencent['exhausted_at']}")

# --- cell: the pool's available amount over the first day: releases in, matches out
releases = rules.releases[rules.releases["fund"] == "tencent"].set_index("at")["amount"]
matches = result.ledger[result.ledger["fund"] == "tencent"].set_index("time")["amount"]
available = pd.concat([releases, -matches]).sort_index(kind="stable").cumsum()  # minor units, exact
day_one = releases.index[0].normalize()
available = available[available.index < day_one + pd.Timedelta(days=1)]
figure, axes = plt.subplots(figsize=(8, 3.5))
axes.step(available.index, available.to_numpy() / 10 ** rules.campaign.minor_digits, where="post")
axes.set_title("Tencent pool on 2018-09-07 (a budget of 500,000 yuan over 3 days)")
axes.set_ylabel("available (yuan)")
figure.autofmt_xdate()
figure.savefig(out / "tencent-depletion.png", dpi=100, bbox_inches="tight")
print(f"figure: {out / 'tencent-depletion.png'}")

# --- cell: a budget sweep over resampled demand, 10 runs per point
sweep = matchfund.simulate(rules, from_events=events, runs=10, seed=7, volume_sd=0.1,
                           sweep=("funds.tencent.budget", ["30万", "50万", "100万"]))
table = sweep.funds[sweep.funds["fund"] == "tencent"]
print(table[["funds.tencent.budget", "exhausted_share", "exhausted_p50", "drawn_p50"]].to_string(index=False))
