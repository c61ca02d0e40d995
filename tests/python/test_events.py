"""Events that do not read: strict and lenient replays as the command line's, and DataFrame
cells that have no exact text refused with the column and row."""

import pandas as pd
import pytest

import matchfund
from conftest import REPO, RULES, read_csv_rows, run_cli

DATA = REPO / "tests" / "data" / "events"


def test_a_strict_replay_stops_at_the_first_bad_event_as_the_command_line(cli, tmp_path):
    finished = run_cli(cli, "replay", DATA / "rules.yaml", DATA / "rejected.csv", "--out", tmp_path, check=False)
    assert finished.returncode == 2
    with pytest.raises(matchfund.BadEventError) as raised:
        matchfund.replay(DATA / "rules.yaml", DATA / "rejected.csv")
    assert str(raised.value) == f"{DATA / 'rejected.csv'}:2: event x1: bad_field:kind"
    assert finished.stderr.strip() == f"matchfund replay: {DATA / 'rejected.csv'}:2: event x1: bad_field:kind"


def test_a_lenient_replay_keeps_the_command_lines_rejections(cli, tmp_path):
    run_cli(cli, "replay", DATA / "rules.yaml", DATA / "rejected.csv", "--out", tmp_path, "--lenient")
    result = matchfund.replay(DATA / "rules.yaml", DATA / "rejected.csv", lenient=True)
    header, rows = read_csv_rows(tmp_path / "rejected.csv")
    assert list(result.rejected.columns) == header
    assert len(rows) == 38
    texts = result.rejected.astype(str).replace("None", "").values.tolist()
    assert texts == [[str(DATA / "rejected.csv")] + row[1:] for row in rows]
    assert result.counts["events_read"] == 41
    assert result.counts["events_rejected"] == 38
    assert result.counts["donations"] == 2


def donations(**columns):
    base = {"id": ["d1", "d2"], "time": ["2021-09-07T10:00:00+08:00", "2021-09-07T11:00:00+08:00"],
            "donor": ["a", "b"], "project": ["p1", "p2"], "amount": ["10.00", "20.00"]}
    base.update(columns)
    return pd.DataFrame(base)


def test_a_dataframe_rejection_names_the_row():
    frame = donations(project=["p1", "nowhere"])
    result = matchfund.replay(DATA / "rules.yaml", frame, lenient=True)
    assert result.rejected.values.tolist() == [["<DataFrame>", 1, "d2", "unknown_project"]]
    with pytest.raises(matchfund.BadEventError, match=r"^<DataFrame>:1: event d2: unknown_project$"):
        matchfund.replay(DATA / "rules.yaml", frame)


def test_float_amounts_are_refused():
    with pytest.raises(matchfund.EventFileError) as raised:
        matchfund.replay(DATA / "rules.yaml", donations(amount=[10.0, 20.5]))
    e = raised.value
    assert (e.file, e.line, e.column) == ("<DataFrame>", 0, 5)
    assert e.message == ("column amount holds floats, which are not exact money: give int64 minor units or "
                         "the text of each amount")


def test_integer_amounts_are_minor_units():
    result = matchfund.replay(DATA / "rules.yaml", donations(amount=[1000, 2050]))
    assert result.projects.set_index("project").loc[["p1", "p2"], "raised"].tolist() == [1000, 2050]


def test_times_without_an_offset_are_refused():
    frame = donations(time=pd.to_datetime(["2021-09-07 10:00", "2021-09-07 11:00"]))
    with pytest.raises(matchfund.EventFileError, match="column time: times without an offset are ambiguous"):
        matchfund.replay(DATA / "rules.yaml", frame)


def test_times_finer_than_a_millisecond_are_refused():
    times = pd.to_datetime(["2021-09-07T10:00:00.000+08:00", "2021-09-07T11:00:00.0000005+08:00"])
    with pytest.raises(matchfund.EventFileError, match="column time, row 1: finer than a millisecond"):
        matchfund.replay(DATA / "rules.yaml", donations(time=times))


def test_an_unknown_column_is_refused_with_its_position():
    with pytest.raises(matchfund.EventFileError) as raised:
        matchfund.replay(DATA / "rules.yaml", donations(colour=["red", "blue"]))
    assert raised.value.column == 6
    assert raised.value.message.startswith('unknown column "colour" (the columns are kind, id, time,')


def test_a_cell_without_exact_text_is_refused():
    with pytest.raises(matchfund.EventFileError, match="column donor: a float has no exact text"):
        matchfund.replay(DATA / "rules.yaml", donations(donor=["a", 0.5]))


def test_missing_values_are_absent_fields():
    frame = donations(project=["p1", None])
    result = matchfund.replay(DATA / "rules.yaml", frame, lenient=True)
    assert result.rejected["reason"].tolist() == ["missing:project"]


def test_files_and_dataframes_together_keep_input_order():
    events = RULES / "spec-worked-example-events.csv"
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    with pytest.raises(matchfund.BadEventError, match=r"^<DataFrame #2>:0: event .*: duplicate_id$"):
        matchfund.replay(RULES / "spec-worked-example.yaml", [events, frame])
