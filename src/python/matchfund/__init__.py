"""matchfund: matching-fund (配捐) allocations for online charity campaigns, from Python.

    import matchfund
    rules = matchfund.load_rules("rules/tencent-99-2018.yaml")
    result = matchfund.replay(rules, "events.csv")         # or a pandas DataFrame
    result.funds                                           # a DataFrame, money in minor units

Every amount is an exact integer of minor units (int64); format_money writes it as the
campaign does. See docs/python.md.
"""

from ._engine import BatchResult, Decision, Engine, RuleDecision
from ._frames import format_money
from ._matchfund import __version__
from ._replay import Invariant, ReplayResult, replay
from ._rules import Campaign, Rules, load_rules
from ._simulate import SimulationResult, simulate
from ._streams import Workload, generate, generate_workload, read_events, workloads
from .errors import (BadEventError, Diagnostic, Error, EventFileError, InvariantError, RulesError,
                     SnapshotError)

__all__ = [
    "BadEventError", "BatchResult", "Campaign", "Decision", "Diagnostic", "Engine", "Error", "EventFileError",
    "Invariant", "InvariantError", "ReplayResult", "RuleDecision", "Rules", "RulesError", "SimulationResult",
    "SnapshotError", "Workload", "__version__", "dask", "format_money", "generate", "generate_workload", "load_rules",
    "read_events", "replay", "simulate", "workloads",
]


def __getattr__(name):
    # matchfund.dask imports Dask only when it is used: the rest of the module does not need it.
    if name == "dask":
        import importlib

        return importlib.import_module(".dask", __name__)
    raise AttributeError(f"module 'matchfund' has no attribute {name!r}")
