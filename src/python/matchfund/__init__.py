"""matchfund: matching-fund (配捐) allocations for online charity campaigns, from Python.

    import matchfund
    rules = matchfund.load_rules("rules/tencent-99-2018.yaml")
    result = matchfund.replay(rules, "events.csv")         # or a pandas DataFrame
    result.funds                                           # a DataFrame, money in minor units

Every amount is an exact integer of minor units (int64); format_money writes it as the
campaign does. See docs/python.md.
"""

from ._matchfund import __version__
from ._frames import format_money
from .engine import BatchResult, Decision, Engine, RuleDecision
from .errors import (BadEventError, Diagnostic, Error, EventFileError, InvariantError, RulesError,
                     SnapshotError)
from .replay import Invariant, ReplayResult, replay
from .rules import Campaign, Rules, load_rules

__all__ = [
    "BadEventError", "BatchResult", "Campaign", "Decision", "Engine", "RuleDecision", "Diagnostic", "Error", "EventFileError", "Invariant", "InvariantError",
    "ReplayResult", "Rules", "RulesError", "SnapshotError", "__version__", "format_money", "load_rules", "replay",
]
