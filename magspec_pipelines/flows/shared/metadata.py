"""How the flows show rows in a run's metadata: one table shape for every asset and check.

Every column is text; rows beyond `limit` are left out (the counts next to the table say how
many there were)."""

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg

ROWS_SHOWN = 25
# Failed orders or events named in a failed run's description.
FAILURES_NAMED = 5


def table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], limit: int = ROWS_SHOWN
) -> dg.MetadataValue:
    """A metadata table of the first `limit` rows, with `columns` in that order; a column a row
    lacks is empty."""
    return dg.MetadataValue.table(
        records=[dg.TableRecord({c: row.get(c, "") for c in columns}) for row in rows[:limit]],
        schema=dg.TableSchema(columns=[dg.TableColumn(c, "string") for c in columns]),
    )


def fail_for(failed: Sequence[Any], what: str, metadata: dict[str, Any]) -> None:
    """Fails the run when anything in `failed` (outcomes with `increment_id` and `reason`)
    failed: "<n> <what>: <order>: <reason>; ..." with the run's metadata."""
    if failed:
        named = "; ".join(f"{o.increment_id}: {o.reason}" for o in failed[:FAILURES_NAMED])
        raise dg.Failure(description=f"{len(failed)} {what}: {named}", metadata=metadata)
