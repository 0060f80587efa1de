"""Helpers shared by the SQL tests (no tests here): customer rows as a typed Arrow table, the
statement run on DuckDB, and the engine's result for the same rows."""

from __future__ import annotations




