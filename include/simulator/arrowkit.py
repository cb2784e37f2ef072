"""Build Arrow record batches of a system-table schema from numpy columns, vectorised.

Generators describe a batch as `{column: value}` where a value is a numpy array, an Arrow
array, a Python scalar (repeated), or for a struct column a dict of the same (with an optional
`NULL_MASK` entry marking rows whose struct is NULL). Columns not given are NULL, which is how
the real tables look for fields that do not apply to a row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

NULL_MASK = "__null__"
# The object-dtype null numpy itself makes of `None` in `np.where(cond, x, None)`; spelled out
# because numpy's stubs do not accept a bare `None` there (same result, same dtype).
NULL = np.array(None, dtype=object)


def _from_numpy(values: np.ndarray, dtype: pa.DataType) -> pa.Array:
    if pa.types.is_decimal(dtype):
        # Via a 6-decimal rounding so values read back as written (no binary-float tails).
        return pa.array(values.astype(np.float64)).cast(pa.decimal128(38, 6), safe=False).cast(dtype)
    if pa.types.is_string(dtype) and values.dtype.kind in "iu":
        return pa.array(values.astype(np.int64)).cast(pa.string())
    return pa.array(values, type=dtype)


def column(dtype: pa.DataType, n: int, value: Any) -> pa.Array:
    """One column of `n` rows of `dtype` from a numpy/Arrow array, a scalar, a struct dict or None."""
    if value is None:
        return pa.nulls(n, type=dtype)
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        out = value if value.type == dtype else value.cast(dtype)
    elif isinstance(value, np.ndarray):
        out = _from_numpy(value, dtype)
    elif isinstance(value, Mapping) and pa.types.is_struct(dtype):
        children = [column(dtype.field(i).type, n, value.get(dtype.field(i).name)) for i in range(dtype.num_fields)]
        mask = value.get(NULL_MASK)
        fields = [dtype.field(i) for i in range(dtype.num_fields)]
        return pa.StructArray.from_arrays(
            children, fields=fields, mask=None if mask is None else pa.array(np.asarray(mask, dtype=bool))
        )
    else:
        out = pa.repeat(pa.scalar(value, type=dtype), n)
    if len(out) != n:
        raise ValueError(f"column of type {dtype} has {len(out)} rows, expected {n}")
    return out


def batch(schema: pa.Schema, n: int, values: Mapping[str, Any]) -> pa.RecordBatch:
    """A record batch of `schema` with `n` rows; unknown column names are an error."""
    unknown = set(values) - set(schema.names)
    if unknown:
        raise KeyError(f"columns not in the schema: {', '.join(sorted(unknown))}")
    arrays = [column(f.type, n, values.get(f.name)) for f in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def rows_table(schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A table from row dicts (small dimension tables); missing keys are NULL."""
    return pa.Table.from_pylist([dict(r) for r in rows], schema=schema)


def choice_strings(options: Sequence[str | None], index: np.ndarray) -> pa.Array:
    """Strings picked by index from a small vocabulary, vectorised."""
    return pa.array(list(options), type=pa.string()).take(pa.array(index.astype(np.int64)))


def map_array(items: Sequence[Mapping[str, object] | None], index: np.ndarray, value_type: pa.DataType | None = None) -> pa.Array:
    """`map<string, value_type>` (default string) values picked by index from a small list of dicts."""
    value_type = value_type or pa.string()
    vocab = pa.array(
        [None if m is None else list(m.items()) for m in items], type=pa.map_(pa.string(), value_type)
    )
    return vocab.take(pa.array(index.astype(np.int64)))


def string_array(values: Sequence[str | None]) -> pa.Array:
    return pa.array(list(values), type=pa.string())
