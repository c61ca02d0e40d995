"""matchfund.read_events, matchfund.generate and matchfund.generate_workload: event streams as
DataFrames that replay and Engine.process read back exactly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

import pandas as pd

from . import _frames, _matchfund
from .errors import BadEventError
from ._replay import REJECTED_COLUMNS
from ._rules import Rules, as_rules, load_rules

PathLike = Union[str, os.PathLike]
EVENT_COLUMNS = ["kind", "id", "time", "donor", "project", "amount", "ref", "scope", "disposition", "channel"]


def _event_frame(columns: dict, rules: Rules) -> pd.DataFrame:
    tz = rules.campaign.timezone
    amounts, no_amount = columns["amount"]
    names = EVENT_COLUMNS + sorted(name for name in columns if name.startswith("attr."))
    data = {name: _frames.column(columns[name], tz, name == "time") for name in names if name != "amount"}
    data["amount"] = pd.arrays.IntegerArray(amounts, no_amount)
    return pd.DataFrame({name: data[name] for name in names})


def read_events(path: PathLike, rules: Union[Rules, PathLike], *, lenient: bool = False):
    """An event file (CSV or JSON Lines) read and checked against `rules`, as a DataFrame in file
    order: kind, project, scope, disposition categorical; time in the campaign's offset; amount
    as nullable int64 minor units; the donation attributes the rules read as text (attr.NAME).
    A bad event raises BadEventError; with lenient=True the result is (events, rejected)."""
    rules = as_rules(rules)
    columns, rejected = _matchfund._read_events(rules._compiled, os.fspath(path))
    events = _event_frame(columns, rules)
    rejected = _frames.frame(rejected, REJECTED_COLUMNS, rules.campaign.timezone)
    if lenient:
        return events, rejected
    if len(rejected) > 0:
        first = rejected.iloc[0]
        name = "without id" if first["id"] is None else first["id"]
        raise BadEventError(f"{first['file']}:{first['line']}: event {name}: {first['reason']}")
    return events


def generate(rules: Union[Rules, PathLike], *, donations: int = 100_000, seed: int = 1, donors: Optional[int] = None,
             out: Optional[PathLike] = None) -> Optional[pd.DataFrame]:
    """A synthetic donation stream for `rules` (as `matchfund generate`: intraday peaks, repeat
    donors, heavy-tailed amounts and project popularity; deterministic from the seed), as a
    DataFrame like read_events', or written to the CSV file `out` (then None is returned).
    donors: how many distinct donors (default a third of the donations)."""
    rules = as_rules(rules)
    columns = _matchfund._generate(rules._compiled, int(donations), int(seed), int(donors or 0),
                                   None if out is None else os.fspath(out))
    return None if columns is None else _event_frame(columns, rules)


@dataclass(frozen=True)
class Workload:
    """A calibrated campaign written by generate_workload: its rules (loaded) and event file."""

    name: str
    rules: Rules
    events_file: str
    donations: int
    donors: int
    projects: int
    organizations: int

    def events(self) -> pd.DataFrame:
        """The workload's events as a DataFrame (read_events)."""
        return read_events(self.events_file, self.rules)


def workloads() -> List[Tuple[str, str, int]]:
    """Every calibrated workload: (name, what it models, its published number of donations)."""
    return [tuple(entry) for entry in _matchfund._workloads()]


def generate_workload(name: str, out: PathLike, *, seed: int = 1, donations: Optional[int] = None) -> Workload:
    """Writes a calibrated workload (as `matchfund generate --workload NAME`: rules.yaml,
    projects.csv, events.csv) into the folder `out`; a smaller `donations` scales donors and
    budgets with it (docs/history.md)."""
    summary = _matchfund._generate_workload(name, int(seed), None if donations is None else int(donations),
                                            os.fspath(out))
    return Workload(name, load_rules(summary["rules_file"]), summary["events_file"], summary["donations"],
                    summary["donors"], summary["projects"], summary["organizations"])
