"""matchfund.simulate: Monte Carlo runs of a campaign under uncertain demand, with what-if
settings and sweeps, as `matchfund simulate` (docs/simulate.md), into pandas DataFrames."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _events, _frames, _matchfund
from ._rules import Rules, _setting_texts, as_rules

PathLike = Union[str, os.PathLike]
TABLES = ("runs", "funds", "releases", "projects", "curves")


@dataclass(frozen=True)
class SimulationArguments:
    """Everything a simulation is made from, picklable, so that a Dask worker makes the same
    simulation (matchfund.dask): the rules (pickled as their file and overrides), the demand
    model's path or the recorded events (paths, or a DataFrame), and the settings."""

    rules: Rules
    demand: Optional[str]
    from_events: Union[Tuple[str, ...], pd.DataFrame, None]
    scale: Optional[str]
    volume_sd: Optional[str]
    gift_sd: Optional[str]
    overrides: Tuple[str, ...]
    sweep: Optional[str]
    runs: int
    seed: int
    threads: int

    def plan(self):
        """The compiled simulation (setup, demand, options), ready to run whole or by parts."""
        if isinstance(self.from_events, pd.DataFrame):
            name, columns = _events.frame_source(self.from_events, "<DataFrame>")
            recorded = (name, columns, frame_digest(self.from_events))
        else:
            recorded = list(self.from_events) if self.from_events is not None else None
        options = {"scale": self.scale, "volume_sd": self.volume_sd, "gift_sd": self.gift_sd}
        return _matchfund._plan_simulation(self.rules._compiled, self.demand, recorded, options, list(self.overrides),
                                           self.sweep, self.runs, self.seed, self.threads)


def frame_digest(frame: pd.DataFrame) -> str:
    """A SHA-256 of a DataFrame's columns and cells (pandas' fixed-key hash of each row), which
    simulation.json records as the demand's digest."""
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    digest.update(rows.tobytes())
    return digest.hexdigest()


def _number_text(name: str, value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"{name}: expected a number or its text, not {type(value).__name__}")
    return str(value)


def _sweep_text(sweep) -> Optional[str]:
    if sweep is None or isinstance(sweep, str):
        return sweep
    key, values = sweep
    if isinstance(values, str):
        return f"{key}={values}"
    return f"{key}={','.join(str(v) for v in values)}"


def simulation_arguments(rules, demand=None, from_events=None, *, runs: int, seed: int, scale=None, volume_sd=None,
                         gift_sd=None, set=None, sweep=None, threads: int = 1) -> SimulationArguments:
    """The arguments of simulate(), checked and made plain (see simulate)."""
    if (demand is None) == (from_events is None):
        raise ValueError("give the demand model (demand=PATH) or past events (from_events=...), one of them")
    if demand is not None and any(v is not None for v in (scale, volume_sd, gift_sd)):
        raise ValueError("scale, volume_sd and gift_sd go with from_events")
    if isinstance(from_events, (str, os.PathLike)):
        from_events = (os.fspath(from_events),)
    elif from_events is not None and not isinstance(from_events, pd.DataFrame):
        from_events = tuple(os.fspath(path) for path in from_events)
    return SimulationArguments(
        rules=as_rules(rules), demand=None if demand is None else os.fspath(demand), from_events=from_events,
        scale=_number_text("scale", scale), volume_sd=_number_text("volume_sd", volume_sd),
        gift_sd=_number_text("gift_sd", gift_sd), overrides=tuple(_setting_texts(set or ())),
        sweep=_sweep_text(sweep), runs=int(runs), seed=int(seed), threads=int(threads))


class SimulationResult:
    """What the runs came to, as `matchfund simulate` writes it (docs/simulate.md): DataFrames
    runs, funds, releases, projects and curves (money int64 minor units, times in the campaign's
    offset, shares as floats, a run's drawn parameters as floats), and the sweep's key."""

    def __init__(self, arguments: SimulationArguments, compiled):
        self.arguments = arguments
        self.rules = arguments.rules
        self._compiled = compiled
        tables = compiled.tables()
        tz = self.rules.campaign.timezone
        for name in TABLES:
            frame = _frames.frame(tables[name], list(tables[name].keys()), tz)
            if name == "runs":
                for column in [c for c in frame.columns if c.startswith("param[")]:
                    frame[column] = frame[column] / 1_000_000
            setattr(self, name, frame)
        self.sweep_key: Optional[str] = arguments.sweep.split("=", 1)[0] if arguments.sweep else None

    def write(self, directory: PathLike) -> None:
        """Writes runs.csv, funds.csv, releases.csv, projects.csv, curves.csv and simulation.json
        into `directory`, the files `matchfund simulate` writes."""
        self._compiled.write(os.fspath(directory))

    def write_report(self, html_file: PathLike, directory: Optional[PathLike] = None) -> None:
        """Writes the HTML report of the simulation (docs/report.md) to `html_file`; the tables go
        to `directory` (kept) or to a temporary folder (removed)."""
        if directory is not None:
            self.write(directory)
            _matchfund._write_simulation_report(os.fspath(directory), os.fspath(html_file))
            return
        with tempfile.TemporaryDirectory(prefix="matchfund-simulation-") as temporary:
            self.write(temporary)
            _matchfund._write_simulation_report(temporary, os.fspath(html_file))

    def format_money(self, amounts):
        return self.rules.format_money(amounts)


def simulate(rules: Union[Rules, PathLike], demand: Optional[PathLike] = None,
             from_events: Union[PathLike, Sequence[PathLike], pd.DataFrame, None] = None, *, runs: int, seed: int,
             scale=None, volume_sd=None, gift_sd=None,
             set: Union[Mapping[str, object], Iterable[str], None] = None,
             sweep: Union[str, Tuple[str, Sequence[object]], None] = None, threads: int = 1) -> SimulationResult:
    """Runs a Monte Carlo simulation of `rules`, as `matchfund simulate` does.

    demand       a demand model file (--demand), or
    from_events  past events to resample: paths or a DataFrame (--from-events), with scale,
                 volume_sd and gift_sd (--scale, --volume-sd, --gift-sd)
    runs, seed   how many runs, and the seed: a run depends only on (rules, demand, seed, run)
    set          what-if settings: {"funds.tencent.budget": "5000万"} or ["KEY=VALUE", ...]
    sweep        "KEY=FROM:TO:STEP", "KEY=V1,V2" or (KEY, [V1, V2, ...]): one point per value,
                 every point on the same streams
    threads      threads on this machine (matchfund.dask.simulate spreads runs over a cluster)

    The results do not depend on `threads`. The runs work without the GIL."""
    arguments = simulation_arguments(rules, demand, from_events, runs=runs, seed=seed, scale=scale,
                                     volume_sd=volume_sd, gift_sd=gift_sd, set=set, sweep=sweep, threads=threads)
    return SimulationResult(arguments, arguments.plan().run())
