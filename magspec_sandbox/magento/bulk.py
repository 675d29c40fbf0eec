"""Asynchronous bulk: `/rest/<store>/async/bulk/V1/...` and the bulk status routes (§7).

A request is answered 202 with one operation per array element; operations run when they fall
due (at once, or after the instance's `bulk_delay_seconds`), which the sandbox checks at the start
of every request, so a client polling `GET /V1/bulk/{uuid}/status` sees them go from open (4) to
complete (1) or failed (2 retriable, 3 needs a change). Elements that cannot become an operation
(not an object, or missing the `byXxx` path value) are rejected (5).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.routing import Call, RestRoute, route

if TYPE_CHECKING:
    from magspec_sandbox.magento.state import MagentoInstance

BULK = "Magento_Logging::system_magento_logging_bulk_operations"
COMPLETE, RETRIABLY_FAILED, NOT_RETRIABLY_FAILED, OPEN, REJECTED = 1, 2, 3, 4, 5


@dataclass
class Operation:
    id: int
    topic_name: str
    serialized_data: str
    status: int = OPEN
    result_message: str | None = None
    error_code: int | None = None
    result_serialized_data: str | None = None
    run: Callable[[], Any] | None = None

    def short(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "result_message": self.result_message,
                "error_code": self.error_code}  # fmt: skip

    def detailed(self, bulk_uuid: str) -> dict[str, Any]:
        return {
            **self.short(),
            "bulk_uuid": bulk_uuid,
            "topic_name": self.topic_name,
            "serialized_data": self.serialized_data,
            "result_serialized_data": self.result_serialized_data,
        }


@dataclass
class Bulk:
    bulk_id: str
    description: str
    start_time: str
    due: float
    operations: list[Operation] = field(default_factory=list)

    def json(self, detailed: bool = False) -> dict[str, Any]:
        ops = [o.detailed(self.bulk_id) if detailed else o.short() for o in self.operations]
        return {
            "operations_list": ops,
            "bulk_id": self.bulk_id,
            "description": self.description,
            "start_time": self.start_time,
            "user_type": assumed.BULK_USER_TYPE_INTEGRATION,
            "user_id": assumed.BULK_USER_ID,
            "operation_count": len(self.operations),
        }


def topic_name(target: RestRoute) -> str:
    path = target.bulk_template.strip("/").replace("/", ".").replace("-", "_")
    return f"async.{path}.{target.method}".lower()


class BulkQueue:
    """Accepted bulks of one instance; `process_due` runs the operations whose time has come."""

    def __init__(self, inst: MagentoInstance) -> None:
        self.inst = inst
        self.bulks: dict[str, Bulk] = {}

    def accept(
        self, target: RestRoute, elements: list[Any], store_code: str | None,
        path_values: dict[str, str] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        inst = self.inst
        topic = topic_name(target)
        delay = float(inst.settings.bulk_delay_seconds)
        bulk = Bulk(str(uuid.uuid4()), f"Topic {topic}", inst.now_text(), time.monotonic() + delay)
        request_items = []
        for index, element in enumerate(elements):
            raw = json.dumps(element, sort_keys=True, ensure_ascii=False)
            op = Operation(index, topic, raw)
            params = dict(path_values or {})
            missing = None
            if isinstance(element, dict):
                for name in target.path_params:
                    if name not in params:
                        if element.get(name) in (None, ""):
                            missing = name
                        else:
                            params[name] = str(element[name])
            if not isinstance(element, dict) or missing:
                op.status = REJECTED
                op.result_message = errors.render(assumed.BULK_REJECTED, [missing or "body"])
            else:
                call = Call(inst, params, [], element, store_code, is_async=True)
                op.run = _runner(target, call)
            bulk.operations.append(op)
            request_items.append(
                {
                    "id": index,
                    "data_hash": hashlib.sha256(raw.encode()).hexdigest(),
                    "status": "rejected" if op.status == REJECTED else "accepted",
                }
            )
        with inst.lock:
            self.bulks[bulk.bulk_id] = bulk
        self.process_due()
        errored = any(item["status"] == "rejected" for item in request_items)
        return {"bulk_uuid": bulk.bulk_id, "request_items": request_items, "errors": errored}

    def process_due(self) -> None:
        now = time.monotonic()
        with self.inst.lock:
            due = [b for b in self.bulks.values() if b.due <= now]
            for bulk in due:
                for op in bulk.operations:
                    if op.status == OPEN and op.run is not None:
                        _execute(op)

    def get(self, bulk_uuid: str) -> Bulk:
        self.process_due()
        bulk = self.bulks.get(bulk_uuid)
        if bulk is None:
            raise errors.NoSuchEntityError(assumed.NO_SUCH_BULK, [bulk_uuid])
        return bulk


def _runner(target: RestRoute, call: Call) -> Callable[[], Any]:
    return lambda: target.handler(call)


def _execute(op: Operation) -> None:
    assert op.run is not None
    try:
        result = op.run()
    except errors.WebapiError as exc:
        op.status = RETRIABLY_FAILED if exc.status >= 500 else NOT_RETRIABLY_FAILED
        op.result_message = exc.rendered()
    except Exception:  # noqa: BLE001 - a consumer records any failure on the operation
        op.status = RETRIABLY_FAILED
        op.result_message = errors.InternalError().rendered()
    else:
        op.status = COMPLETE
        op.result_message = errors.render(assumed.BULK_SUCCESS, [op.topic_name])
        op.result_serialized_data = json.dumps(result, ensure_ascii=False)
    op.run = None


def _status(call: Call) -> Any:
    return call.inst.bulk.get(call.params["bulkUuid"]).json()


def _detailed(call: Call) -> Any:
    return call.inst.bulk.get(call.params["bulkUuid"]).json(detailed=True)


def _count(call: Call) -> Any:
    bulk = call.inst.bulk.get(call.params["bulkUuid"])
    wanted = call.int_param("status")
    return sum(1 for op in bulk.operations if op.status == wanted)


ROUTES = (
    route("GET", "/V1/bulk/{bulkUuid}/status", _status, BULK),
    route("GET", "/V1/bulk/{bulkUuid}/detailed-status", _detailed, BULK),
    route("GET", "/V1/bulk/{bulkUuid}/operation-status/{status}", _count, BULK),
)
