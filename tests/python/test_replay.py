"""matchfund.replay gives the numbers `matchfund replay` writes: every table of every bundled
campaign compared cell by cell with the command line's files, from a path and from DataFrames."""

import pathlib

import numpy as np
import pandas as pd
import pytest

import matchfund
from conftest import REPO, RULES, bundled_campaigns, read_csv_rows, run_cli

CAMPAIGNS = bundled_campaigns()


def test_every_bundled_campaign_is_compared():
    assert len(CAMPAIGNS) == 23


def as_text(frame, rules):
    """A result table written as the command line writes it: money formatted, times in RFC 3339
    with milliseconds and the campaign's offset, absent values empty."""
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            text = series.map(lambda t: "" if pd.isna(t) else t.isoformat(timespec="milliseconds"))
        elif name in MONEY_COLUMNS and series.dtype == "int64":
            text = rules.format_money(series)
        else:
            text = series.astype(object).where(series.notna(), "").astype(str)
        columns[name] = text.tolist()
    return [list(row) for row in zip(*columns.values())] if columns else []


MONEY_COLUMNS = {"amount", "want", "paid", "raised", "refunded", "matched", "closeout", "total", "budget",
                 "released", "drawn", "returned", "forfeited", "expired", "unallocated", "available_end", "held"}


def cli_outcomes(path):
    """outcomes.csv with its outcome column split as the module gives it (code, limit apart)."""
    header, rows = read_csv_rows(path)
    at = header.index("outcome")
    return [row[:at] + [row[at].split(":", 1)[0]] + row[at + 1:] for row in rows]


def assert_same_as_cli(result, out: pathlib.Path):
    rules = result.rules
    for table, name in [("ledger", "ledger.csv"), ("projects", "projects.csv"), ("funds", "funds.csv")]:
        header, rows = read_csv_rows(out / name)
        frame = getattr(result, table)
        assert list(frame.columns) == header, name
        assert as_text(frame, rules) == rows, name
    assert as_text(result.outcomes, rules) == cli_outcomes(out / "outcomes.csv")
    if (out / "holds.csv").exists():
        header, rows = read_csv_rows(out / "holds.csv")
        assert list(result.holds.columns) == header
        assert as_text(result.holds, rules) == rows
    else:
        assert len(result.holds) == 0


@pytest.mark.parametrize("rules_file,events_file", CAMPAIGNS, ids=[r.stem for r, _ in CAMPAIGNS])
def test_replay_of_a_path_matches_the_command_line(cli, tmp_path, rules_file, events_file):
    run_cli(cli, "replay", rules_file, events_file, "--out", tmp_path, "--trace")
    result = matchfund.replay(rules_file, events_file)
    assert len(result.ledger) > 0
    assert_same_as_cli(result, tmp_path)
    assert [i.name for i in result.invariants] == ["fund_identity", "caps_within_max", "ledger_matches_tables",
                                                   "matches_within_formula", "every_event_accounted"]
    assert all(i.holds for i in result.invariants)


@pytest.mark.parametrize("rules_file,events_file", CAMPAIGNS, ids=[r.stem for r, _ in CAMPAIGNS])
def test_replay_of_a_text_dataframe_matches_the_path(rules_file, events_file):
    frame = pd.read_csv(events_file, dtype=str, keep_default_na=False)
    from_path = matchfund.replay(rules_file, events_file)
    from_frame = matchfund.replay(rules_file, frame)
    for table in ["ledger", "outcomes", "projects", "funds", "holds"]:
        pd.testing.assert_frame_equal(getattr(from_frame, table), getattr(from_path, table), obj=table)
    assert from_frame.counts == from_path.counts


def typed_events(rules, events_file):
    """An event file as an analyst's DataFrame: times as timestamps, amounts as int64 minor units."""
    frame = pd.read_csv(events_file, dtype=str, keep_default_na=False)
    frame = frame.replace("", None)
    frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601" if pd.__version__ >= "2" else None)
    unit = 10 ** rules.campaign.minor_digits
    amounts = frame["amount"].map(lambda text: None if text is None else round_trip_minor(text, unit))
    frame["amount"] = amounts.astype("Int64")
    return frame


def round_trip_minor(text, unit):
    whole, _, fraction = text.partition(".")
    fraction = (fraction + "0" * 9)[: len(str(unit)) - 1]
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * unit + int(fraction or "0"))


def test_replay_of_a_typed_dataframe_matches_the_path():
    rules = matchfund.load_rules(RULES / "tencent-99-2018.yaml")
    events_file = RULES / "tencent-99-2018-events.csv"
    frame = typed_events(rules, events_file)
    assert frame["amount"].dtype == "Int64"
    assert isinstance(frame["time"].dtype, pd.DatetimeTZDtype)
    from_frame = matchfund.replay(rules, frame)
    from_path = matchfund.replay(rules, events_file)
    pd.testing.assert_frame_equal(from_frame.ledger, from_path.ledger)
    pd.testing.assert_frame_equal(from_frame.funds, from_path.funds)


def test_ledger_dtypes():
    result = matchfund.replay(RULES / "spec-worked-example.yaml", RULES / "spec-worked-example-events.csv")
    ledger = result.ledger
    assert ledger["amount"].dtype == "int64"
    assert ledger["seq"].dtype == "uint64"
    assert str(ledger["time"].dtype) == "datetime64[ns, UTC+08:00]"
    assert ledger["kind"].dtype == "category"
    assert ledger["fund"].dtype == "category"
    assert ledger["event_id"].dtype == object
    assert result.funds["exhausted_at"].dtype.kind == "M"
