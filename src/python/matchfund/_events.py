"""Events given as pandas DataFrames, made plain for the compiled reader, which checks every
cell as it checks an event file (SPEC §3.2, §3.3).

A DataFrame has the columns of an event file (kind, id, time, donor, project, amount, ref,
scope, disposition, channel, attr.NAME). Cells hold what the file would, or the typed value
that means it exactly:
  - `time`: timezone-aware timestamps (milliseconds at most), or text as in a file;
  - `amount`: int64 minor units (1250 is 12.50 in a campaign of two minor digits), as every
    money column matchfund returns, or text as in a file ("12.50"); never floats;
  - the rest: str, with int and bool written as a file writes them;
  - None, NaN, NaT and pd.NA: the field is absent.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from pandas.api import types

from ._frames import format_money
from .errors import EventFileError


def frame_source(frame: pd.DataFrame, name: str) -> tuple:
    """(name, columns) as the compiled module's _replay reads a DataFrame."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"events: expected a path, a list of paths or a pandas DataFrame, not {type(frame).__name__}")
    columns = []
    for position, label in enumerate(frame.columns):
        if not isinstance(label, str):
            raise EventFileError(f"{name}: column {position + 1}: the name {label!r} is not a str",
                                 name, 0, position + 1, f"the name {label!r} is not a str")
        series = frame.iloc[:, position]
        if series.dtype != object and len(series) > 0 and series.isna().all():
            # Every field of the column absent: as if it were not there (its name is still checked).
            columns.append((label, "absent", len(series), None))
            continue
        columns.append(_plain_column(name, position, label, series))
    return (name, columns)


def _fail(name: str, position: int, message: str) -> EventFileError:
    return EventFileError(f"{name}:0:{position + 1}: {message}", name, 0, position + 1, message)


def _missing(series: pd.Series):
    missing = series.isna().to_numpy()
    return missing if missing.any() else None


def _plain_column(name: str, position: int, label: str, series: pd.Series) -> tuple:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) and types.is_string_dtype(dtype.categories.dtype) and \
            all(isinstance(c, str) for c in dtype.categories):
        # The codes, and each category's text once: no object per row.
        codes = series.cat.codes.to_numpy().astype(np.int32)
        return (label, "category", codes, list(dtype.categories))
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _time_column(name, position, label, series)
    if types.is_datetime64_dtype(dtype):
        raise _fail(name, position, f"column {label}: times without an offset are ambiguous; "
                                    "give them one (Series.dt.tz_localize)")
    if types.is_bool_dtype(dtype):
        return (label, "boolean", series.to_numpy(dtype=bool, na_value=False), _missing(series))
    if types.is_integer_dtype(dtype):
        values = series.to_numpy(dtype=np.int64, na_value=0)
        return (label, "minor" if label == "amount" else "integer", values, _missing(series))
    if types.is_float_dtype(dtype):
        return _float_column(name, position, label, series)
    if dtype == object:
        # The column's own array, not a copy: the compiled reader takes None, NaN, NaT and pd.NA
        # for absent fields itself.
        values = series.to_numpy(copy=False)
    else:
        values = series.to_numpy(dtype=object, na_value=None)
    return (label, "object_minor" if label == "amount" else "object", values, None)


def _time_column(name: str, position: int, label: str, series: pd.Series) -> tuple:
    missing = series.isna().to_numpy()
    nanoseconds = series.dt.tz_convert("UTC").array.asi8
    if (nanoseconds[~missing] % 1_000_000 != 0).any():
        row = int(np.flatnonzero(~missing & (nanoseconds % 1_000_000 != 0))[0])
        raise _fail(name, position, f"column {label}, row {row}: finer than a millisecond")
    return (label, "integer", nanoseconds // 1_000_000, missing if missing.any() else None)


def _float_column(name: str, position: int, label: str, series: pd.Series) -> tuple:
    if label == "amount":
        raise _fail(name, position, "column amount holds floats, which are not exact money: "
                                    "give int64 minor units or the text of each amount")
    values = series.to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    whole = np.floor(values)
    inexact = ~missing & ((whole != values) | (np.abs(values) > 2.0 ** 53))
    if inexact.any():
        row = int(np.flatnonzero(inexact)[0])
        raise _fail(name, position, f"column {label}, row {row}: {values[row]!r} is not a whole number; "
                                    "give the text of each value")
    return (label, "integer", np.where(missing, 0, values).astype(np.int64), missing if missing.any() else None)


def field_texts(fields, minor_digits: int) -> list:
    """One event's fields as the (name, text) pairs of an event file's cells: an int amount in
    minor units, a timezone-aware time, None as absent."""
    texts = []
    for name, value in fields.items():
        if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
            continue
        texts.append((name, _field_text(name, value, minor_digits)))
    return texts


def _field_text(name: str, value, minor_digits: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return format_money(int(value), minor_digits) if name == "amount" else str(int(value))
    if isinstance(value, (pd.Timestamp, datetime.datetime)):
        if value.tzinfo is None:
            raise EventFileError(f"field {name}: a time without an offset is ambiguous", "", 0, 0,
                                 f"field {name}: a time without an offset is ambiguous")
        stamp = pd.Timestamp(value)
        if stamp.value % 1_000_000 != 0:
            raise EventFileError(f"field {name}: finer than a millisecond", "", 0, 0,
                                 f"field {name}: finer than a millisecond")
        return str(stamp.value // 1_000_000)
    raise EventFileError(f"field {name}: a {type(value).__name__} has no exact text; give str, int or bool", "", 0, 0,
                         f"field {name}: a {type(value).__name__} has no exact text; give str, int or bool")
