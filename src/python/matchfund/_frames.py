"""Columns from the compiled module made into pandas objects: numpy arrays as they are,
categorical codes as pd.Categorical, epoch milliseconds as timezone-aware timestamps. Nothing
here walks rows in Python."""

from __future__ import annotations

import datetime
from typing import Iterable, Mapping

import numpy as np
import pandas as pd


def timezone_of(offset_minutes: int) -> datetime.timezone:
    """A campaign's fixed offset from UTC (SPEC §2: no daylight saving)."""
    return datetime.timezone(datetime.timedelta(minutes=offset_minutes))


def times(epoch_ms, tz: datetime.timezone, missing=None) -> pd.Series:
    """Epoch milliseconds as timestamps in the campaign's offset; NaT where `missing`."""
    values = pd.to_datetime(np.asarray(epoch_ms, dtype=np.int64), unit="ms", utc=True).tz_convert(tz)
    series = pd.Series(values)
    if missing is not None:
        series = series.mask(np.asarray(missing, dtype=bool))
    return series


def column(value, tz: datetime.timezone, is_time: bool):
    """One column as the compiled module handed it over."""
    if isinstance(value, dict):  # categorical codes and labels
        return pd.Categorical.from_codes(value["codes"], categories=value["categories"])
    if isinstance(value, tuple):  # (epoch ms, missing)
        return times(value[0], tz, value[1])
    if is_time:
        return times(value, tz)
    return value


def frame(columns: Mapping[str, object], order: Iterable[str], tz: datetime.timezone,
          time_columns: Iterable[str] = ()) -> pd.DataFrame:
    """A DataFrame of `columns` in `order`, with a plain RangeIndex."""
    time_names = set(time_columns)
    data = {name: column(columns[name], tz, name in time_names) for name in order}
    result = pd.DataFrame(data)
    result.index = pd.RangeIndex(len(result))
    return result


def format_money(amounts, minor_digits: int):
    """Minor units as the campaign writes money: 1250 -> "12.50" (two minor digits), -300 ->
    "-3.00". An int gives a str; an array or Series gives a Series of str."""
    if isinstance(amounts, (int, np.integer)):
        return _format_one(int(amounts), minor_digits)
    values = np.asarray(amounts, dtype=np.int64)
    magnitude = np.abs(values.astype(object)) if values.size else values  # exact at int64 min
    unit = 10 ** minor_digits
    whole = pd.Series(magnitude // unit, dtype=object).astype(str)
    text = whole
    if minor_digits > 0:
        fraction = pd.Series(magnitude % unit, dtype=object).astype(str).str.zfill(minor_digits)
        text = whole + "." + fraction
    sign = pd.Series(np.where(values < 0, "-", ""))
    result = sign + text
    if isinstance(amounts, pd.Series):
        result.index = amounts.index
    return result


def _format_one(amount: int, minor_digits: int) -> str:
    unit = 10 ** minor_digits
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), unit)
    return f"{sign}{whole}.{fraction:0{minor_digits}d}" if minor_digits > 0 else f"{sign}{whole}"
