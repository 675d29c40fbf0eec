"""The Magento actions of one order event (ship, invoice, cancel, comment), each at most once.

Every action is recorded `pending` in the state store before it is sent and `done` after, keyed
by (order, event, action), so a replayed or duplicated event finds it done and sends nothing.
Before sending, Magento's own quantities are read: what is already shipped or invoiced there is
not sent again, whoever did it. A lost answer (`MagentoOutcomeUnknown`) is resolved by reading
the order's shipments or invoices back and looking for the one carrying the event's marker;
only when none is there is the action sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.domain.events import EventKind, OrderEvent
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import (
    MagentoAuthError,
    MagentoError,
    MagentoOutcomeUnknown,
    MagentoRequestError,
    MagentoTransientError,
)
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.status import (
    capture_mode,
    delivered_items,
    remaining,
    render_comment,
    tracks,
)
from magspec_pipelines.state import OrderBinding
from magspec_pipelines.state.order_status import ActionState, OrderStatusState
from magspec_pipelines.tenancy import Tenant
from magspec_pipelines.tenancy.order_status import EventRule
from magspec_pipelines.tenancy.status_assumed import DOCUMENT_MARKER

# Canonical order: goods leave, the money is taken, then words are added.
ACTION_ORDER = ("ship", "invoice", "cancel", "comment")
LOST_ANSWER_ATTEMPTS = 3
FINAL_STATES = frozenset({"complete", "closed", "canceled"})
DEFAULT_CANCEL_COMMENT = "Cancelled in Specter (order {order_no})"


class ActionParked(Exception):
    """The action cannot run as things stand; support must act. `fix` says where."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


class ActionFailed(Exception):
    """A transient failure (Magento down, throttled, an outcome still unknown): try again."""


@dataclass
class ActionTaken:
    action: str
    result: str  # done, skipped, already done, parked, failed
    detail: str = ""
    document_id: int | None = None

    def text(self) -> str:
        words = f"{self.action}: {self.result}"
        return f"{words} ({self.detail})" if self.detail else words


@dataclass
class OrderActions:
    """Runs one event's actions against the Magento order bound to it."""

    tenant: Tenant
    state: OrderStatusState
    magento: MagentoClient
    binding: OrderBinding
    event: OrderEvent
    rule: EventRule
    _order: dict[str, Any] | None = field(default=None, init=False)

    @property
    def entity_id(self) -> int:
        return self.binding.magento_entity_id

    @property
    def marker(self) -> str:
        return DOCUMENT_MARKER.format(what=self.event.key.replace(":", " "))

    def order(self, fresh: bool = False) -> dict[str, Any]:
        if self._order is None or fresh:
            self._order = self.magento.get_order(self.entity_id)
        return self._order

    def pending_actions(self) -> list[str]:
        """The rule's actions not yet done or skipped for this event."""
        todo = []
        for action in sorted(self.rule.actions, key=ACTION_ORDER.index):
            record = self.state.action(
                self.tenant.id, self.binding.shop, self.entity_id, self.event.key, action
            )
            if record is None or record.state is ActionState.PENDING:
                todo.append(action)
        return todo

    def run(self, action: str) -> ActionTaken:
        b, event = self.binding, self.event
        record = self.state.begin_action(
            self.tenant.id, b.shop, self.entity_id, event.specter_order_no, event.key, action
        )
        if record.state is not ActionState.PENDING:
            return ActionTaken(action, "already done", record.detail or "")
        step: Callable[[bool], tuple[ActionState, str, int | None]] = getattr(self, f"_{action}")
        try:
            outcome, detail, document_id = step(record.attempts > 1)
        except (MappingProblem, ActionParked) as problem:
            reason = getattr(problem, "reason", str(problem))
            raise ActionParked(reason, problem.fix) from problem
        self.state.finish_action(
            self.tenant.id, b.shop, self.entity_id, event.key, action, outcome,
            document_id=document_id, detail=detail,
        )  # fmt: skip
        self._order = None  # Magento changed: read it again for the next action
        return ActionTaken(action, outcome.value, detail, document_id)

    # -- documents made after a lost answer ------------------------------------------------

    def _find_document(self, kind: str) -> int | None:
        criteria = SearchCriteria().where("order_id", "eq", self.entity_id).page(100)
        search = self.magento.shipments if kind == "shipment" else self.magento.invoices
        for document in search(criteria).items:
            for comment in document.get("comments") or []:
                if self.marker == (comment.get("comment") or "").strip():
                    return int(document["entity_id"])
        return None

    def _send_once(self, kind: str, send: Callable[[], int], looked: bool) -> tuple[int, str]:
        """Send a ship or invoice at most once: after a lost answer, look before sending again."""
        if looked:
            found = self._find_document(kind)
            if found is not None:
                return found, "found after a lost answer"
        for _ in range(LOST_ANSWER_ATTEMPTS):
            try:
                return send(), ""
            except MagentoOutcomeUnknown:
                found = self._find_document(kind)
                if found is not None:
                    return found, "found after a lost answer"
                self._order = None
            except MagentoRequestError as exc:
                raise ActionParked(
                    f"Magento refused the {kind}: {exc.message}",
                    f"the order in Magento (state {self.order().get('state')}); then "
                    f"`magspec parked retry {self.tenant.id}`",
                ) from exc
            except MagentoTransientError as exc:
                raise ActionFailed(f"{kind}: {exc}") from exc
        raise ActionFailed(f"{kind}: the answer was lost {LOST_ANSWER_ATTEMPTS} times")

    # -- the actions -----------------------------------------------------------------------

    def _ship(self, after_lost_answer: bool) -> tuple[ActionState, str, int | None]:
        if after_lost_answer and (found := self._find_document("shipment")) is not None:
            return ActionState.DONE, "found after a lost answer", found
        order = self.order(fresh=True)
        items, notes = delivered_items(self.event, order, self.tenant)
        if not items:
            return ActionState.SKIPPED, "already shipped in Magento", None
        track_list = tracks(self.event, self.tenant)
        shop = self.tenant.shop(self.binding.shop)

        def send() -> int:
            return self.magento.ship(
                self.entity_id,
                items=items,
                tracks=track_list,
                notify=self.rule.notify,
                source_code=shop.stock_source,
                comment=self.marker,
            )

        shipment_id, how = self._send_once("shipment", send, looked=False)
        qty = sum(float(i.qty) for i in items)
        detail = [f"shipment {shipment_id}", f"{qty:g} item(s)"]
        if track_list:
            detail.append("tracking " + ", ".join(t.track_number for t in track_list))
        detail += [n for n in (how, *notes) if n]
        return ActionState.DONE, "; ".join(detail), shipment_id

    def _invoice(self, after_lost_answer: bool) -> tuple[ActionState, str, int | None]:
        if after_lost_answer and (found := self._find_document("invoice")) is not None:
            return ActionState.DONE, "found after a lost answer", found
        order = self.order(fresh=True)
        mode = capture_mode(order, self.tenant)
        method = (order.get("payment") or {}).get("method")
        if mode == "none":
            return ActionState.SKIPPED, f"capture none for {method}", None
        if self.event.kind is EventKind.PARTLY_DELIVERED:
            # A partial capture for what left; the completing delivery takes whatever is left,
            # so a tenant that captures only on full delivery still captures everything.
            items, _ = delivered_items(self.event, order, self.tenant, done_key="qty_invoiced")
        else:
            rows = [r for r in order.get("items") or [] if r.get("parent_item_id") is None]
            items = [] if not any(remaining(r, "qty_invoiced") > 0 for r in rows) else None
        if items == []:
            return ActionState.SKIPPED, "already invoiced in Magento", None
        if order.get("state") in FINAL_STATES:
            return ActionState.SKIPPED, f"order is {order.get('state')} in Magento", None

        def send() -> int:
            return self.magento.invoice(
                self.entity_id,
                items=items,
                capture=mode == "online",
                notify=self.rule.notify,
                comment=self.marker,
            )

        invoice_id, how = self._send_once("invoice", send, looked=False)
        detail = f"invoice {invoice_id}, {mode} capture ({method})"
        return ActionState.DONE, f"{detail}; {how}" if how else detail, invoice_id

    def _cancel(self, after_lost_answer: bool) -> tuple[ActionState, str, int | None]:
        order = self.order(fresh=True)
        if order.get("state") == "canceled":
            return ActionState.SKIPPED, "already cancelled in Magento", None
        try:
            cancelled = self.magento.cancel(self.entity_id)
        except MagentoOutcomeUnknown as exc:
            if self.order(fresh=True).get("state") == "canceled":
                return ActionState.DONE, "cancelled (found after a lost answer)", None
            raise ActionFailed(f"cancel: {exc}") from exc
        except MagentoTransientError as exc:
            raise ActionFailed(f"cancel: {exc}") from exc
        except MagentoAuthError:
            raise  # the token's fault, not the order's: the run fails, nothing is parked
        except MagentoError as exc:
            raise ActionParked(
                f"Magento refused to cancel: {exc.message}", self._cancel_fix()
            ) from exc
        if not cancelled:
            raise ActionParked(self._refusal(order), self._cancel_fix())
        detail = "cancelled"
        if self.rule.notify and "comment" not in self.rule.actions:
            text = render_comment(DEFAULT_CANCEL_COMMENT, self.event)
            self.magento.add_comment(self.entity_id, text, notify=True, visible_on_front=True)
            detail += ", customer told"
        return ActionState.DONE, detail, None

    def _refusal(self, order: dict[str, Any]) -> str:
        rows = [r for r in order.get("items") or [] if r.get("parent_item_id") is None]
        invoiced = sum(float(r.get("qty_invoiced") or 0) for r in rows)
        shipped = sum(float(r.get("qty_shipped") or 0) for r in rows)
        why = [f"state {order.get('state')}"]
        if invoiced:
            why.append(f"{invoiced:g} item(s) invoiced")
        if shipped:
            why.append(f"{shipped:g} item(s) shipped")
        return (
            f"Specter cancelled order {self.event.specter_order_no} but Magento refuses to cancel "
            f"order {order.get('increment_id')} ({', '.join(why)})"
        )

    def _cancel_fix(self) -> str:
        return (
            "support: refund the order in Magento with a credit memo (or reverse the "
            "cancellation in Specter), then tell the customer; "
            f"`magspec parked retry {self.tenant.id}` once it can be cancelled"
        )

    def _comment(self, after_lost_answer: bool) -> tuple[ActionState, str, int | None]:
        text = render_comment(self.rule.comment, self.event)
        order = self.order(fresh=True)
        if after_lost_answer and any(
            (h.get("comment") or "") == text for h in order.get("status_histories") or []
        ):
            return ActionState.DONE, "found after a lost answer", None
        status = self.rule.status
        note = ""
        if status is not None and order.get("state") in FINAL_STATES:
            status, note = None, f"status kept: order is {order.get('state')}"
        try:
            self._add_comment(text, status)
        except MagentoRequestError as exc:
            if status is None:
                raise ActionParked(f"Magento refused the comment: {exc.message}", "") from exc
            # The status does not belong to the order's state (Magento 2.4.7+): the comment
            # still goes in, under the current status, never wiping it.
            self._add_comment(text, None)
            note = f"status {status} not allowed in state {order.get('state')}; kept"
        detail = f"comment added{', customer told' if self.rule.notify else ''}"
        if status is not None and not note:
            detail += f", status {status}"
        return ActionState.DONE, f"{detail}; {note}" if note else detail, None

    def _add_comment(self, text: str, status: str | None) -> None:
        try:
            self.magento.add_comment(
                self.entity_id, text, status=status, notify=self.rule.notify,
                visible_on_front=self.rule.notify,
            )  # fmt: skip
        except MagentoOutcomeUnknown as exc:
            raise ActionFailed(f"comment: {exc}") from exc
        except MagentoTransientError as exc:
            raise ActionFailed(f"comment: {exc}") from exc
