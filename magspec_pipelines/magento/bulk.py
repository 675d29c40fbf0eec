"""Magento's asynchronous bulk API: submit many request bodies at once, poll their status, and
tie every operation back to the entities its request element carried (reference §7)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento import assumed
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.models import BulkItem, BulkSubmission
from magspec_pipelines.magento.rest import ALL_STORES, Area, expect_dict, path_segment

# The smallest share of a bulk push sent as a request of its own (see `_push_bulk`).
MIN_BULK_PART = 100


class OperationStatus(IntEnum):
    COMPLETE = 1
    RETRIABLY_FAILED = 2
    FAILED = 3
    OPEN = 4
    REJECTED = 5


@dataclass(frozen=True)
class BulkOperation:
    id: int
    status: int
    result_message: str | None = None
    error_code: int | None = None
    topic_name: str | None = None

    @property
    def done(self) -> bool:
        return self.status != OperationStatus.OPEN

    @property
    def failed(self) -> bool:
        return self.status in (
            OperationStatus.RETRIABLY_FAILED,
            OperationStatus.FAILED,
            OperationStatus.REJECTED,
        )


@dataclass(frozen=True)
class BulkStatus:
    bulk_id: str
    description: str | None
    operation_count: int
    operations: list[BulkOperation]

    @property
    def done(self) -> bool:
        return len(self.operations) >= self.operation_count and all(
            op.done for op in self.operations
        )

    def failures(self, submission: BulkSubmission) -> dict[str, str]:
        """`{entity: reason}` for every entity whose operation failed or was rejected."""
        by_id = {op.id: op for op in self.operations}
        failed: dict[str, str] = {}
        for item in submission.items:
            op = by_id.get(assumed.bulk_operation_id(item.index))
            if item.status != "accepted":
                reason = "rejected when the bulk request was submitted"
            elif op is not None and op.failed:
                reason = op.result_message or f"operation status {op.status}"
            else:
                continue
            for entity in item.entities:
                failed[entity] = reason
        return failed


class BulkApi(Area):
    def submit_bulk(
        self,
        method: str,
        route: str,
        bodies: Sequence[dict[str, Any]],
        entities: Sequence[Sequence[str]],
        *,
        scope: str | None = ALL_STORES,
    ) -> BulkSubmission:
        """Send `bodies` (each a normal request body of `method /V1<route>`) as one async bulk
        request; `entities[i]` names what `bodies[i]` carries, so results map back to it."""
        if len(bodies) != len(entities):
            raise ValueError("bodies and entities must have the same length")
        if not bodies:
            raise ValueError("an async bulk request needs at least one body")
        if len(bodies) > self._limits.async_batch_size:
            raise ValueError(f"at most {self._limits.async_batch_size} bodies per bulk request")
        endpoint = f"{method} /async/bulk/V1{route}"
        answer = expect_dict(
            self._core.call(
                method,
                f"/V1{route}",
                endpoint,
                scope=scope,
                body=list(bodies),
                idempotent=False,
                bulk=True,
            ),
            endpoint,
        )
        uuid = answer.get("bulk_uuid")
        if not isinstance(uuid, str) or not uuid:
            raise MagentoError(f"{endpoint}: the answer carries no bulk_uuid", endpoint=endpoint)
        statuses = {
            int(row["id"]): str(row.get("status", ""))
            for row in answer.get("request_items") or []
            if isinstance(row, dict) and "id" in row
        }
        items = [
            BulkItem(index=i, status=statuses.get(i, "unknown"), entities=tuple(entities[i]))
            for i in range(len(bodies))
        ]
        return BulkSubmission(bulk_uuid=uuid, items=items)

    def _push_bulk(
        self,
        method: str,
        route: str,
        bodies: Sequence[dict[str, Any]],
        entities: Sequence[Sequence[str]],
        scope: str | None = ALL_STORES,
    ) -> list[BulkSubmission]:
        """Submit `bodies` in as few bulk requests as the input limit allows, but in at least
        `concurrency` of them (of `MIN_BULK_PART` bodies or more), sent side by side: Magento
        works each request on one worker, so one huge request would leave the others idle."""
        limits = self._limits
        parts = max(
            -(-len(bodies) // limits.async_batch_size),
            min(limits.concurrency, len(bodies) // MIN_BULK_PART),
            1,
        )
        size = -(-len(bodies) // parts)
        starts = list(range(0, len(bodies), size))

        def submit(i: int) -> BulkSubmission:
            return self.submit_bulk(
                method, route, bodies[i : i + size], entities[i : i + size], scope=scope
            )

        return map_bounded(submit, starts, limits.concurrency)

    def bulk_status(self, bulk_uuid: str) -> BulkStatus:
        path = f"/V1/bulk/{path_segment(bulk_uuid)}/status"
        return _status(self._core.call("GET", path, "GET /V1/bulk/{uuid}/status", idempotent=True))

    def bulk_detailed_status(self, bulk_uuid: str) -> BulkStatus:
        path = f"/V1/bulk/{path_segment(bulk_uuid)}/detailed-status"
        endpoint = "GET /V1/bulk/{uuid}/detailed-status"
        return _status(self._core.call("GET", path, endpoint, idempotent=True))

    def wait_for_bulk(
        self,
        bulk_uuid: str,
        *,
        timeout: float = 300.0,
        interval: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> BulkStatus:
        """Poll until no operation is open; raises TimeoutError with the last status otherwise.

        Operations stay open until Magento's `async.operations.all` consumer runs (cron)."""
        deadline = clock() + timeout
        while True:
            status = self.bulk_status(bulk_uuid)
            if status.done:
                return status
            if clock() >= deadline:
                open_count = sum(1 for op in status.operations if not op.done)
                raise TimeoutError(
                    f"bulk {bulk_uuid}: {open_count} operation(s) still open after {timeout}s"
                )
            sleep(interval)


def _status(body: Any) -> BulkStatus:
    body = expect_dict(body, "GET /V1/bulk/{uuid}/status")
    operations = [
        BulkOperation(
            id=int(op["id"]),
            status=int(op.get("status") or 0),
            result_message=op.get("result_message"),
            error_code=op.get("error_code"),
            topic_name=op.get("topic_name"),
        )
        for op in body.get("operations_list") or []
        if isinstance(op, dict) and "id" in op
    ]
    return BulkStatus(
        bulk_id=str(body.get("bulk_id", "")),
        description=body.get("description"),
        operation_count=int(body.get("operation_count") or len(operations)),
        operations=operations,
    )
