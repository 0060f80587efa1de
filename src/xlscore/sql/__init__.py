"""The scoring model as one SQL ``SELECT``, for customer tables past Excel's row limit.

* :mod:`xlscore.sql.source` — which source column holds what, and how it is typed;
* :mod:`xlscore.sql.statement` — Model -> one sqlglot ``SELECT`` tree, rendered per dialect;
* :mod:`xlscore.sql.runner` — ``xlscore score``: a Parquet/CSV file scored by embedded DuckDB
  (or by the core engine through pandas);
* :mod:`xlscore.sql.command` — the ``sql`` and ``score`` subcommands.

Nothing is imported here, so ``xlscore --help`` stays fast: import the submodules.
"""

from __future__ import annotations

__all__: list[str] = []
