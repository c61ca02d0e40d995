"""matchfund.Engine: the match engine for live use — decide donations as they come, quote them,
hold a match while the donor pays, save and restore (docs/python.md, engine.hpp)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Tuple, Union

import pandas as pd

from . import _events, _frames, _matchfund
from .errors import EventFileError
from ._replay import (FUND_COLUMNS, HOLD_COLUMNS, LEDGER_COLUMNS, OUTCOME_COLUMNS, PROJECT_COLUMNS, REJECTED_COLUMNS,
                     Invariant)
from ._rules import Rules, as_rules


@dataclass(frozen=True)
class RuleDecision:
    """What one rule decided for a donation (SPEC §5.2): its outcome code, the cap or fund that
    limited it (cap_reached, partial), what its formula wanted and what it paid (minor units).
    With Engine.explain(True): each cap as (id, remaining before, after) and each fund drawn."""

    rule: str
    outcome: str
    limited_by: str
    want: int
    paid: int
    caps: Tuple[Tuple[str, int, int], ...] = ()
    draws: Tuple[Tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Decision:
    """What the engine decided for one event: `rejected` is the SPEC §3.3 reason of a bad event
    (then nothing changed), else one RuleDecision per rule for a donation or hold."""

    rejected: Optional[str]
    rules: List[RuleDecision] = field(default_factory=list)

    @property
    def paid(self) -> int:
        """The match over every rule, in minor units."""
        return sum(decision.paid for decision in self.rules)


@dataclass
class BatchResult:
    """A DataFrame of events processed: one outcome row per donation (or hold) and rule, with
    the input row it came from, and the rows rejected (`line` is the row)."""

    outcomes: pd.DataFrame
    rejected: pd.DataFrame


Event = Mapping[str, object]


class Engine:
    """The streaming match engine over one campaign's rules.

        engine = matchfund.Engine(rules)
        engine.quote(id="q1", time=t, donor="u1", project="p1", amount=10000)   # changes nothing
        engine.process(id="d1", time=t, donor="u1", project="p1", amount=10000)
        engine.process(frame)             # a DataFrame of events, in time order, without the GIL
        engine.finish()                   # the close: expiries, settlement, close-out
        engine.funds                      # a DataFrame, as the replay's

    An event is a mapping (or keyword arguments) of event fields: kind (default donation), id,
    time (a timezone-aware timestamp, or text), donor, project, amount (int minor units, or
    text), ref, scope, disposition, channel and attr.NAME. Events must come in time order. Python
    threads may share an engine: calls run one at a time."""

    def __init__(self, rules: Union[Rules, str, os.PathLike], *, _compiled=None):
        self.rules = as_rules(rules)
        self._compiled = _compiled if _compiled is not None else _matchfund._Engine(self.rules._compiled)
        self.position = 0  # what restore() read from a snapshot; save() records what it is given

    def process(self, event: Union[Event, pd.DataFrame, None] = None, **fields) -> Union[Decision, BatchResult]:
        """Processes one event (a mapping or keyword arguments) and returns the Decision, or every
        row of a DataFrame in order and returns a BatchResult."""
        if isinstance(event, pd.DataFrame):
            columns = self._compiled.process_frame(_events.frame_source(event, "<DataFrame>"))
            tz = self.rules.campaign.timezone
            outcomes = _frames.frame(columns["outcomes"], OUTCOME_COLUMNS, tz)
            outcomes.insert(0, "row", columns["rows"])
            return BatchResult(outcomes, _frames.frame(columns["rejected"], REJECTED_COLUMNS, tz))
        return _decision(self._compiled.process(self._fields(event, fields)))

    def quote(self, event: Optional[Event] = None, **fields) -> Decision:
        """What process() would decide for this donation now, changing nothing."""
        return _decision(self._compiled.quote(self._fields(event, fields)))

    def hold(self, event: Optional[Event] = None, **fields) -> Decision:
        """A hold (SPEC §12): reserves what the donation would be matched while the donor pays."""
        return self.process(event, **{**fields, "kind": "hold"})

    def confirm(self, id: str, time, hold: str) -> Decision:
        """Confirms hold `hold`: it becomes a donation with its match."""
        return self.process(kind="confirm", id=id, time=time, ref=hold)

    def cancel(self, id: str, time, hold: str) -> Decision:
        """Cancels hold `hold`: everything it reserved goes back."""
        return self.process(kind="cancel", id=id, time=time, ref=hold)

    def finish(self) -> None:
        """Closes the campaign (SPEC §7): open holds expire, pending releases, settlement, close-out."""
        self._compiled.finish()

    @property
    def closed(self) -> bool:
        return self._compiled.closed

    @property
    def ledger(self) -> pd.DataFrame:
        """The ledger lines kept since the start or the last discard_ledger(), as the replay's."""
        return _frames.frame(self._compiled.ledger(), LEDGER_COLUMNS, self.rules.campaign.timezone, ["time"])

    def discard_ledger(self) -> None:
        """Forgets the ledger lines kept so far (a host that has stored them keeps memory flat)."""
        self._compiled.discard_ledger()

    @property
    def funds(self) -> pd.DataFrame:
        """Every fund's totals now, by fund id, as the replay's funds table."""
        return _frames.frame(self._compiled.funds(), FUND_COLUMNS, self.rules.campaign.timezone)

    @property
    def projects(self) -> pd.DataFrame:
        """Every project's totals now, by project id, as the replay's projects table."""
        return _frames.frame(self._compiled.projects(), PROJECT_COLUMNS, self.rules.campaign.timezone)

    @property
    def holds(self) -> pd.DataFrame:
        """Every hold accepted so far, by hold id, as the replay's holds table."""
        return _frames.frame(self._compiled.holds(), HOLD_COLUMNS, self.rules.campaign.timezone, ["time"])

    def check_invariants(self) -> List[Invariant]:
        """The invariants of SPEC §8 the engine answers for, each with its result."""
        return [Invariant(*entry) for entry in self._compiled.check_invariants()]

    def explain(self, on: bool = True) -> None:
        """Keep each cap's remaining before and after and each fund drawn in decisions (costs time)."""
        self._compiled.explain(on)

    def reserve(self, events: int, donors: int) -> None:
        """Sizes the engine's tables for about this many events and donors (a hint)."""
        self._compiled.reserve(events, donors)

    def save(self, path: Union[str, os.PathLike, None] = None, position: int = 0) -> Optional[bytes]:
        """The engine's whole state as a snapshot (SPEC §9), with `position`, the host's place in
        its input: returned as bytes, or written to `path` (under a temporary name, then renamed)."""
        data = self._compiled.save(position)
        if path is None:
            return data
        temporary = f"{os.fspath(path)}.partial"
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        return None

    @classmethod
    def restore(cls, rules: Union[Rules, str, os.PathLike], snapshot: Union[bytes, str, os.PathLike]) -> "Engine":
        """An engine that goes on exactly as the saved one would have. `snapshot` is what save()
        returned, or the file it wrote; `position` is set to what save() was given. Raises
        SnapshotError for data that is not a snapshot of these rules."""
        rules = as_rules(rules)
        if not isinstance(snapshot, (bytes, bytearray)):
            with open(snapshot, "rb") as stream:
                snapshot = stream.read()
        compiled, position = _matchfund._Engine.restore(rules._compiled, bytes(snapshot))
        engine = cls(rules, _compiled=compiled)
        engine.position = position
        return engine

    def _fields(self, event: Optional[Event], fields: Mapping[str, object]) -> list:
        merged = {**(event or {}), **fields}
        return _events.field_texts(merged, self.rules.campaign.minor_digits)


def _decision(compiled) -> Decision:
    rejected, evaluations = compiled
    return Decision(rejected, [RuleDecision(rule, outcome, limited_by, want, paid, tuple(caps), tuple(draws))
                               for rule, outcome, limited_by, want, paid, caps, draws in evaluations])
