"""Renders values an independent Delta reader returns as the text the C++
tests compare with what tributary wrote (tests/support/delta_readers.h):
booleans "true"/"false", integers in decimal, floating-point numbers as
Python's repr ("0.1", "inf", "nan"), decimals in fixed-point notation at
their scale, text as itself, binary as lower-case hex, dates as days since
1970-01-01 and timestamps as microseconds since the epoch (so values outside
Python's date range, such as PostgreSQL's infinity, still compare exactly).
NULL is None."""

import decimal

import pyarrow as pa
import pyarrow.compute as pc


def value_text(value):
    """One Python value (as pyarrow's or Spark's to-Python conversion gives
    it, dates and timestamps already as integers) in the tests' text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def column_texts(array):
    """Every value of a pyarrow array or chunked array in the tests' text."""
    kind = array.type
    if pa.types.is_date32(kind):
        array = pc.cast(array, pa.int32())
    elif pa.types.is_timestamp(kind):
        if kind.unit != "us":
            raise ValueError(f"timestamp unit {kind.unit}: the tests expect microseconds")
        array = pc.cast(array, pa.int64())
    return [value_text(v) for v in array.to_pylist()]


def table_rows(table):
    """The rows of a pyarrow table, each a list of texts in column order."""
    columns = [column_texts(table.column(i)) for i in range(table.num_columns)]
    return [list(row) for row in zip(*columns)]
