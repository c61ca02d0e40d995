"""matchfund.Engine: live decisions give the replay's numbers; quotes change nothing; holds,
snapshots, and batches that let other Python threads run."""

import threading
import time

import pandas as pd
import pytest

import matchfund
from conftest import RULES, bundled_campaigns, run_cli

CAMPAIGNS = bundled_campaigns()


def events_in_processing_order(events_file):
    frame = pd.read_csv(events_file, dtype=str, keep_default_na=False)
    order = pd.to_datetime(frame["time"], utc=True).argsort(kind="stable")
    return frame.iloc[order].reset_index(drop=True)


@pytest.mark.parametrize("rules_file,events_file", CAMPAIGNS, ids=[r.stem for r, _ in CAMPAIGNS])
def test_events_one_by_one_give_the_replays_tables(rules_file, events_file):
    replayed = matchfund.replay(rules_file, events_file, trace=False)
    engine = matchfund.Engine(rules_file)
    frame = events_in_processing_order(events_file)
    decisions = [engine.process({k: v for k, v in row.items() if v != ""}) for row in frame.to_dict("records")]
    assert len(decisions) == len(frame) > 0
    assert all(d.rejected is None for d in decisions)
    engine.finish()
    pd.testing.assert_frame_equal(engine.ledger, replayed.ledger)
    pd.testing.assert_frame_equal(engine.funds, replayed.funds)
    pd.testing.assert_frame_equal(engine.projects, replayed.projects)
    pd.testing.assert_frame_equal(engine.holds, replayed.holds)
    assert all(i.holds for i in engine.check_invariants())


@pytest.mark.parametrize("rules_file,events_file", CAMPAIGNS, ids=[r.stem for r, _ in CAMPAIGNS])
def test_a_dataframe_batch_gives_the_replays_outcomes(rules_file, events_file):
    replayed = matchfund.replay(rules_file, events_file)
    engine = matchfund.Engine(rules_file)
    batch = engine.process(events_in_processing_order(events_file))
    assert len(batch.rejected) == 0
    pd.testing.assert_frame_equal(batch.outcomes.drop(columns="row"), replayed.outcomes)
    engine.finish()
    pd.testing.assert_frame_equal(engine.ledger, replayed.ledger)


def test_a_quote_is_what_process_then_decides_and_changes_nothing():
    engine = matchfund.Engine(RULES / "tencent-99-2018.yaml")
    donation = dict(id="d1", time=pd.Timestamp("2018-09-07T09:00:01+08:00"), donor="u1", project="proj-001",
                    amount=10_000, **{"attr.flowers": 199})
    before = engine.funds
    quoted = engine.quote(donation)
    pd.testing.assert_frame_equal(engine.funds, before)
    assert len(engine.ledger) == 0
    decided = engine.process(donation)
    assert decided == quoted
    assert [d.rule for d in decided.rules] == ["tencent-random", "red-flower-bonus", "enterprise-a-match",
                                              "enterprise-b-match"]
    assert engine.funds.set_index("fund").loc["tencent", "drawn"] == decided.paid - sum(
        d.paid for d in decided.rules if d.rule.startswith("enterprise"))


def test_bad_events_are_rejected_with_their_reason():
    engine = matchfund.Engine(RULES / "tencent-99-2018.yaml")
    t = pd.Timestamp("2018-09-07T09:00:01+08:00")
    assert engine.process(id="d1", time=t, donor="u1", project="nowhere", amount=100).rejected == "unknown_project"
    assert engine.process(id="d2", time=t, donor="u1", project="proj-001", amount=0).rejected == "non_positive_amount"
    assert engine.process(id="d3", time=t, donor="u1", project="proj-001", amount=100).rejected is None
    assert engine.process(id="d3", time=t, donor="u1", project="proj-001", amount=100).rejected == "duplicate_id"
    earlier = pd.Timestamp("2018-09-07T09:00:00+08:00")
    assert engine.process(id="d4", time=earlier, donor="u1", project="proj-001", amount=1).rejected == "out_of_order"
    with pytest.raises(ValueError, match='unknown event field "colour"'):
        engine.process(id="d5", time=t, donor="u1", project="proj-001", amount=1, colour="red")
    with pytest.raises(matchfund.EventFileError, match="a time without an offset"):
        engine.process(id="d6", time=pd.Timestamp("2018-09-07T09:00:01"), donor="u1", project="proj-001", amount=1)


def test_a_hold_reserves_and_a_confirm_draws():
    engine = matchfund.Engine(RULES / "bigive-christmas-challenge.yaml")
    rules = engine.rules
    start = rules.campaign.start + pd.Timedelta(hours=1)
    project = rules.projects["project"][0]
    held = engine.hold(id="h1", time=start, donor="d", project=project, amount=5_000)
    assert held.rejected is None and held.paid > 0
    assert engine.funds["drawn"].sum() == 0
    confirmed = engine.confirm("c1", start + pd.Timedelta(minutes=1), hold="h1")
    assert confirmed.rejected is None
    assert engine.funds["drawn"].sum() == held.paid
    holds = engine.holds
    assert holds[["hold", "status", "resolved_by"]].values.tolist() == [["h1", "confirmed", "c1"]]
    assert holds["held"].tolist() == [held.paid]


def test_save_and_restore_go_on_exactly(tmp_path):
    rules_file, events_file = RULES / "tencent-99-2018.yaml", RULES / "tencent-99-2018-events.csv"
    frame = events_in_processing_order(events_file)
    half = len(frame) // 2
    whole = matchfund.Engine(rules_file)
    whole.process(frame)
    whole.finish()
    first = matchfund.Engine(rules_file)
    first.process(frame.iloc[:half])
    first.save(tmp_path / "state.bin", position=half)
    second = matchfund.Engine.restore(rules_file, tmp_path / "state.bin")
    assert second.position == half
    second.process(frame.iloc[half:].reset_index(drop=True))
    second.finish()
    # The ledger lines the first engine kept travel with the snapshot.
    pd.testing.assert_frame_equal(second.ledger, whole.ledger)
    pd.testing.assert_frame_equal(second.funds, whole.funds)
    # A host that stored and discarded its lines before saving gets the rest after restoring.
    stored = first.ledger
    first.discard_ledger()
    third = matchfund.Engine.restore(rules_file, first.save(position=half))
    third.process(frame.iloc[half:].reset_index(drop=True))
    third.finish()
    pd.testing.assert_frame_equal(pd.concat([stored, third.ledger], ignore_index=True), whole.ledger)
    assert matchfund.Engine.restore(rules_file, first.save()).funds.equals(first.funds)


def test_a_snapshot_of_other_rules_or_damaged_is_refused():
    engine = matchfund.Engine(RULES / "tencent-99-2018.yaml")
    saved = engine.save()
    with pytest.raises(matchfund.SnapshotError):
        matchfund.Engine.restore(RULES / "spec-worked-example.yaml", saved)
    with pytest.raises(matchfund.SnapshotError):
        matchfund.Engine.restore(RULES / "tencent-99-2018.yaml", saved[:-5])


def test_a_replay_lets_other_python_threads_run(cli, tmp_path):
    # Few matches (no random match), so that the replay is almost all reading and matching, which
    # run without the GIL: the loop below must keep running all along. Holding the GIL, the call
    # would stop it for about its whole duration.
    rules = matchfund.load_rules(RULES / "tencent-99-2018.yaml").with_overrides(
        {"rules.tencent-random.probability": "0", "rules.enterprise-a-match.ratio": "0",
         "rules.enterprise-b-match.ratio": "0"})
    run_cli(cli, "generate", rules.path, "--donations", 400_000, "--seed", 3, "--out", tmp_path / "events.csv")
    finished = threading.Event()
    results = []
    worker = threading.Thread(target=lambda: (results.append(matchfund.replay(rules, tmp_path / "events.csv",
                                                                              trace=False)), finished.set()))
    ticks, longest_pause = 0, 0.0
    started = last = time.perf_counter()
    worker.start()
    while not finished.is_set():
        now = time.perf_counter()
        longest_pause = max(longest_pause, now - last)
        last = now
        ticks += 1
    worker.join()
    duration = time.perf_counter() - started
    assert results[0].counts["donations"] == 400_000
    assert results[0].ledger["amount"].sum() == 0
    assert ticks > 1_000
    assert longest_pause < duration / 4, (longest_pause, duration)
