"""Rows to records: every record's fields are named after its table's columns."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

import aiosqlite

R = TypeVar("R")


_NAMES: dict[type[Any], tuple[str, ...]] = {}


def field_names(record_type: type[Any]) -> tuple[str, ...]:
    """The record's field names, read once per type (``dataclasses.fields`` is slow)."""
    if (names := _NAMES.get(record_type)) is None:
        names = _NAMES[record_type] = tuple(field.name for field in fields(record_type))
    return names


def record_from_row(
    record_type: type[R], row: aiosqlite.Row, *, booleans: frozenset[str] = frozenset()
) -> R:
    """``record_type`` filled from the columns of the same names; SQLite's 0/1 integers
    become ``bool`` for the fields named in ``booleans``."""
    values = {name: row[name] for name in field_names(record_type)}
    for name in booleans & values.keys():
        values[name] = bool(values[name])
    return record_type(**values)
