"""matchfund.load_rules and the Rules object."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Union

import pandas as pd

from . import _frames, _matchfund
from .errors import Error, RulesError


@dataclass(frozen=True)
class Campaign:
    """The campaign a rules file describes (its `campaign:` section)."""

    id: str
    name: str
    currency: str
    minor_digits: int  # 2 for CNY (fen) and USD (cents)
    timezone: datetime.timezone  # a fixed offset from UTC
    start: pd.Timestamp  # inclusive
    end: pd.Timestamp  # exclusive
    seed: Optional[int]
    hold_ttl: Optional[pd.Timedelta]  # None: holds not enabled


class Rules:
    """A loaded, checked rules file (immutable). Make one with load_rules(path).

    Attributes: path, sha256, campaign (Campaign), projects, funds, releases, rules (DataFrames),
    closeout (the close-out steps' ids), overrides (what with_overrides applied)."""

    def __init__(self, compiled: "_matchfund._Rules", overrides: tuple = (), original_sha256: str = ""):
        self._compiled = compiled
        self.overrides: tuple = overrides
        self._original_sha256 = original_sha256 or compiled.sha256
        c = compiled.campaign()
        tz = _frames.timezone_of(c["utc_offset_minutes"])
        start, end = _frames.times([c["start_ms"], c["end_ms"]], tz)
        ttl = c["hold_ttl_ms"]
        self.campaign = Campaign(c["id"], c["name"], c["currency"], c["minor_digits"], tz, start, end, c["seed"],
                                 None if ttl is None else pd.Timedelta(milliseconds=ttl))

    @property
    def path(self) -> str:
        """The rules file as it was given to load_rules."""
        return self._compiled.source_file

    @property
    def sha256(self) -> str:
        """The SHA-256 of the rules (with the overrides, when there are some)."""
        return self._compiled.sha256

    @property
    def projects(self) -> pd.DataFrame:
        """One row per project: project, organization, region, category, tags (comma-separated)
        and a column attr.NAME per project attribute (its text; None where a project has none)."""
        columns = self._compiled.projects()
        result = _frames.frame(columns, ["project", "organization", "region", "category", "tags"], self.campaign.timezone)
        for name, values in sorted(columns["attributes"].items()):
            result[name] = pd.Series(values, dtype=object)
        return result

    @property
    def funds(self) -> pd.DataFrame:
        """One row per fund in file order: fund, funder, budget (minor units), releases (how
        many tranches), expire_unused."""
        return _frames.frame(self._compiled.funds(), ["fund", "funder", "budget", "releases", "expire_unused"],
                             self.campaign.timezone)

    @property
    def releases(self) -> pd.DataFrame:
        """Every release (tranche) of every fund in time order: fund, release (0-based), at (a
        timestamp in the campaign's offset), amount (minor units)."""
        return _frames.frame(self._compiled.releases(), ["fund", "release", "at", "amount"], self.campaign.timezone,
                             ["at"])

    @property
    def rules(self) -> pd.DataFrame:
        """One row per rule in file order: rule, description, priority, funds (comma-separated
        ids of the funds it draws from), exclusive."""
        return _frames.frame(self._compiled.rules(), ["rule", "description", "priority", "funds", "exclusive"],
                             self.campaign.timezone)

    @property
    def closeout(self) -> list:
        """The ids of the close-out steps, in order."""
        return list(self._compiled.closeout())

    def format_money(self, amounts):
        """Minor units as this campaign writes money (1250 -> "12.50"); an int gives a str, an
        array or Series a Series of str."""
        return _frames.format_money(amounts, self.campaign.minor_digits)

    def with_overrides(self, settings: Union[Mapping[str, object], Iterable[str]]) -> "Rules":
        """A copy with what-if settings applied (docs/overrides.md), as the command line's --set:
        {"funds.tencent.budget": "5000万"} or ["funds.tencent.budget=5000万"]."""
        texts = _setting_texts(settings)
        return Rules(self._compiled.with_overrides(texts), self.overrides + tuple(texts), self._original_sha256)

    def __reduce__(self):
        # Pickled (for a Dask worker, say) as the file's path, its digest and the overrides: the
        # worker loads the same file, and refuses one that has changed.
        return (_restore_rules, (self.path, self._original_sha256, self.overrides))

    def __repr__(self) -> str:
        return f"<matchfund.Rules {self.campaign.id!r} from {self.path!r}>"


def _setting_texts(settings) -> list:
    if isinstance(settings, Mapping):
        return [f"{key}={value}" for key, value in settings.items()]
    if isinstance(settings, str):
        return [settings]
    return [str(setting) for setting in settings]


def load_rules(path: Union[str, os.PathLike]) -> Rules:
    """Loads and checks a rules file (SPEC §3.1). Raises RulesError with every diagnostic of the
    file (file, line, column, path, message, code) when it does not load."""
    compiled, diagnostics = _matchfund._try_load_rules(os.fspath(path))
    if compiled is None:
        raise RulesError(diagnostics)
    return Rules(compiled)


def _restore_rules(path: str, sha256: str, overrides: tuple) -> Rules:
    rules = load_rules(path)
    if rules.sha256 != sha256:
        raise Error(f"{path}: the rules file is not the one pickled (sha256 {rules.sha256}, expected {sha256})")
    return rules.with_overrides(list(overrides)) if overrides else rules


def as_rules(rules) -> Rules:
    """A Rules object, loading it when given a path."""
    return rules if isinstance(rules, Rules) else load_rules(rules)
