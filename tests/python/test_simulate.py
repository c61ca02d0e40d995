"""matchfund.simulate gives the tables `matchfund simulate` writes; matchfund.dask.simulate on a
LocalCluster of two worker processes gives the same, byte for byte."""

import pandas as pd
import pytest

import matchfund
from conftest import REPO, RULES, read_csv_rows, run_cli

DEMAND = REPO / "tests" / "data" / "simulate" / "small-tencent-demand.yaml"
TENCENT = RULES / "tencent-99-2018.yaml"
SMALL_POOLS = {"funds.tencent.budget": "150万", "funds.enterprise-a.budget": "60万"}
SWEEP = "funds.tencent.budget=100万:200万:50万"
FILES = ["runs.csv", "funds.csv", "releases.csv", "projects.csv", "curves.csv", "simulation.json"]


def cli_set_arguments():
    arguments = []
    for key, value in SMALL_POOLS.items():
        arguments += ["--set", f"{key}={value}"]
    return arguments


def share_text(share, count, of):
    """The files' 4-decimal share, halves up, from the exact counts; the float must agree."""
    ten_thousandths = (count * 20_000 + of) // (2 * of)
    assert abs(share - count / of) < 1e-12
    return f"{ten_thousandths // 10_000}.{ten_thousandths % 10_000:04d}"


def as_file_text(frame, rules, counts_of_share):
    rows = []
    for record in frame.to_dict("records"):
        row = []
        for name, value in record.items():
            if isinstance(value, pd.Timestamp) or value is pd.NaT:
                row.append("" if pd.isna(value) else value.isoformat(timespec="milliseconds"))
            elif name.endswith("_share"):
                count, of = counts_of_share(name, record)
                row.append(share_text(value, count, of))
            elif name.startswith("param["):
                row.append(format(value, ".6f").rstrip("0").rstrip("."))
            elif isinstance(value, int) and name not in ("point", "run", "donations", "donors", "matched_donors",
                                                         "runs", "exhausted_runs", "release", "cap_bound_runs"):
                row.append(rules.format_money(value))
            else:
                row.append(str(value))
        rows.append(row)
    return rows


def test_simulate_gives_the_command_lines_tables(cli, tmp_path):
    run_cli(cli, "simulate", TENCENT, "--demand", DEMAND, "--runs", 5, "--seed", 9, *cli_set_arguments(),
            "--sweep", SWEEP, "--threads", 2, "--out", tmp_path / "cli")
    result = matchfund.simulate(TENCENT, demand=DEMAND, runs=5, seed=9, set=SMALL_POOLS, sweep=SWEEP)
    result.write(tmp_path / "py")
    for name in FILES:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    runs = len(result.runs) // 3
    assert runs == 5 and result.sweep_key == "funds.tencent.budget"

    def counts_of_share(name, record):
        return (record["cap_bound_runs"], runs) if name == "cap_bound_share" else (record["exhausted_runs"], record["runs"])

    for table in ["runs", "funds", "releases", "projects", "curves"]:
        header, rows = read_csv_rows(tmp_path / "cli" / f"{table}.csv")
        frame = getattr(result, table)
        assert list(frame.columns) == header, table
        assert as_file_text(frame, result.rules, counts_of_share) == rows, table
    assert result.funds["drawn_p50"].dtype == "int64"


def test_the_report_is_written(tmp_path):
    result = matchfund.simulate(TENCENT, demand=DEMAND, runs=3, seed=1, set=SMALL_POOLS)
    result.write_report(tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "tencent" in html


def test_past_events_as_a_dataframe_give_what_the_file_gives():
    events = RULES / "tencent-99-2018-events.csv"
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    arguments = dict(runs=3, seed=5, scale="20", volume_sd="0.1", set={"funds.tencent.budget": "2万"})
    from_file = matchfund.simulate(TENCENT, from_events=events, **arguments)
    from_frame = matchfund.simulate(TENCENT, from_events=frame, **arguments)
    for table in ["runs", "funds", "releases", "projects", "curves"]:
        pd.testing.assert_frame_equal(getattr(from_frame, table), getattr(from_file, table), obj=table)
    assert from_file.runs["donations"].min() > 0


def test_bad_arguments_are_named():
    with pytest.raises(matchfund.Error, match=r"^set funds.nosuch.budget=1: "):
        matchfund.simulate(TENCENT, demand=DEMAND, runs=1, seed=1, set=["funds.nosuch.budget=1"])
    with pytest.raises(matchfund.Error, match=r"^sweep funds.tencent.budget=3:1:1: "):
        matchfund.simulate(TENCENT, demand=DEMAND, runs=1, seed=1, sweep="funds.tencent.budget=3:1:1")
    with pytest.raises(ValueError, match="one of them"):
        matchfund.simulate(TENCENT, runs=1, seed=1)
    with pytest.raises(matchfund.Error, match="the number of runs is 1 to 1,000,000"):
        matchfund.simulate(TENCENT, demand=DEMAND, runs=0, seed=1)


@pytest.fixture(scope="module")
def local_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def test_dask_gives_the_same_tables_byte_for_byte(local_cluster, tmp_path):
    arguments = dict(demand=DEMAND, runs=7, seed=13, set=SMALL_POOLS, sweep=("funds.tencent.budget", ["100万", "150万"]))
    alone = matchfund.simulate(TENCENT, **arguments)
    spread = matchfund.dask.simulate(TENCENT, client=local_cluster, runs_per_task=3, **arguments)
    assert len(local_cluster.nthreads()) == 2
    alone.write(tmp_path / "alone")
    spread.write(tmp_path / "spread")
    for name in FILES:
        assert (tmp_path / "spread" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    for table in ["runs", "funds", "releases", "projects", "curves"]:
        pd.testing.assert_frame_equal(getattr(spread, table), getattr(alone, table), obj=table)


def test_dask_blocks_cover_every_run_once():
    blocks = matchfund.dask.blocks(points=2, runs=7, runs_per_task=3)
    assert blocks == [(1, 1, 3), (1, 4, 3), (1, 7, 1), (2, 1, 3), (2, 4, 3), (2, 7, 1)]
