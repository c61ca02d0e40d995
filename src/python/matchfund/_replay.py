"""matchfund.replay: a campaign replayed in memory into pandas DataFrames, the same numbers as
`matchfund replay` writes (SPEC §8)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Union

import pandas as pd

from . import _events, _frames, _matchfund
from ._rules import Rules, as_rules

LEDGER_COLUMNS = ["seq", "time", "kind", "event_id", "donation_id", "donor", "project", "rule", "fund", "amount",
                  "limited_by", "disposition"]
OUTCOME_COLUMNS = ["event_id", "rule", "outcome", "want", "paid", "limited_by"]
PROJECT_COLUMNS = ["project", "organization", "donations", "donors", "raised", "refunded", "matched", "closeout",
                   "total"]
FUND_COLUMNS = ["fund", "budget", "released", "drawn", "returned", "forfeited", "expired", "closeout", "unallocated",
                "available_end", "exhausted_at"]
HOLD_COLUMNS = ["hold", "time", "donor", "project", "amount", "held", "status", "resolved_at", "resolved_by"]
REJECTED_COLUMNS = ["file", "line", "id", "reason"]


@dataclass(frozen=True)
class Invariant:
    """One invariant of SPEC §8 and whether it held (a replay that returns has them all held)."""

    name: str
    holds: bool
    detail: str


@dataclass
class ReplayResult:
    """What a replay came to. Money columns are int64 minor units (format them with
    format_money); times are timestamps in the campaign's offset; ids of projects, rules,
    funds and outcomes are categorical.

    ledger      every movement of money (ledger.csv)
    outcomes    what each rule decided for each donation (outcomes.csv; empty with trace=False)
    projects    per project (projects.csv), funds per fund (funds.csv), holds per hold (holds.csv)
    rejected    bad events kept by a lenient replay (rejected.csv); `line` is a DataFrame's row
    invariants  the invariants checked at the end; counts: events read, processed, rejected, ...
    """

    rules: Rules
    ledger: pd.DataFrame
    outcomes: pd.DataFrame
    projects: pd.DataFrame
    funds: pd.DataFrame
    holds: pd.DataFrame
    rejected: pd.DataFrame
    invariants: List[Invariant] = field(default_factory=list)
    counts: Dict[str, int] = field(default_factory=dict)

    def format_money(self, amounts):
        """Minor units as the campaign writes money: 1250 -> "12.50"."""
        return self.rules.format_money(amounts)


EventsArgument = Union[str, os.PathLike, pd.DataFrame, Sequence[Union[str, os.PathLike, pd.DataFrame]]]


def event_sources(events: EventsArgument) -> list:
    """Paths and DataFrames as the compiled module reads them, in the order given."""
    if isinstance(events, (str, os.PathLike, pd.DataFrame)):
        events = [events]
    items = list(events)
    sources = []
    for position, item in enumerate(items):
        if isinstance(item, pd.DataFrame):
            name = "<DataFrame>" if len(items) == 1 else f"<DataFrame #{position + 1}>"
            sources.append(_events.frame_source(item, name))
        elif isinstance(item, (str, os.PathLike)):
            sources.append(os.fspath(item))
        else:
            raise TypeError(f"events: expected a path or a pandas DataFrame, not {type(item).__name__}")
    return sources


def replay(rules: Union[Rules, str, os.PathLike], events: EventsArgument, *, trace: bool = True,
           lenient: bool = False) -> ReplayResult:
    """Replays `events` (an event file, a DataFrame, or a list of them, in order) under `rules`
    (a Rules object or a rules file's path), as `matchfund replay` does: repeated ids refused,
    events sorted stably by time, every donation decided, the campaign closed and its close-out
    run, and every invariant checked.

    trace=False leaves `outcomes` empty (it holds a row per donation and rule). A bad event raises
    BadEventError, unless lenient=True, which keeps it in `rejected`. The engine works without the
    GIL."""
    rules = as_rules(rules)
    columns = _matchfund._replay(rules._compiled, event_sources(events), trace, lenient)
    tz = rules.campaign.timezone
    invariants = [Invariant(*entry) for entry in columns["invariants"]]
    return ReplayResult(
        rules=rules,
        ledger=_frames.frame(columns["ledger"], LEDGER_COLUMNS, tz, ["time"]),
        outcomes=_frames.frame(columns["outcomes"], OUTCOME_COLUMNS, tz),
        projects=_frames.frame(columns["projects"], PROJECT_COLUMNS, tz),
        funds=_frames.frame(columns["funds"], FUND_COLUMNS, tz),
        holds=_frames.frame(columns["holds"], HOLD_COLUMNS, tz, ["time"]),
        rejected=_frames.frame(columns["rejected"], REJECTED_COLUMNS, tz),
        invariants=invariants,
        counts=dict(columns["counts"]),
    )
