"""The order export: bring each normalized order (see `normalize`) to Specter exactly once.

Plain Python over the clients and the state store, so that the assets, the demo and the
benchmarks share one implementation.

Exactly once rests on three things:
- the binding is written before the remote call (`submitting`) and after it (`created`), so a
  crash between the two is visible as a `submitting` binding;
- every order carries `externalOrderNo`, the binding's (the number of the first attempt), so
  resubmitting a `submitting` order after a lost answer runs into Specter's duplicate control,
  whose answer names the order it already has;
- invoices are created only from `created` bindings and Specter refuses a second invoice for an
  order with nothing left to invoice.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from magspec_pipelines.domain import Order
from magspec_pipelines.flows.orders.outcomes import (
    FLOW,
    STAGE_SUBMIT,
    ExportReport,
    Normalized,
    Outcome,
    Result,
    entity_key,
)
from magspec_pipelines.http import map_bounded
from magspec_pipelines.mapping.orders import external_order_no, specter_customer, specter_order
from magspec_pipelines.mapping.text import Latin1Notes
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import (
    OutcomeUnknown,
    SpecterAlreadyInvoiced,
    SpecterAuthError,
    SpecterDuplicateOrder,
    SpecterError,
    SpecterTransientError,
    SpecterUnknownArticle,
    SpecterUnreadable,
)
from magspec_pipelines.specter.models import SpecterCustomer, SpecterOrder
from magspec_pipelines.state import BindingState, OrderBinding, StateStore
from magspec_pipelines.tenancy import Tenant

T = TypeVar("T")
# A lost answer is resolved by asking again: Specter's duplicate control names the order.
UNKNOWN_OUTCOME_ATTEMPTS = 3
# Orders submitted side by side (the Specter client's own limit is 4 requests at once).
EXPORT_CONCURRENCY = 4


class ExportHalted(Exception):
    """A failure that is not any one order's (a rejected key, answers that are not Specter's
    protocol): nothing is parked for it, the run fails with this one sentence."""


# Reasons under which older versions parked orders for causes that were never the order's: such
# records are sent again (their cause is checked by the call itself) instead of waiting.
NOT_THE_ORDERS_FAULT = re.compile(
    r"\(code 10\)|unreadable|without an APIresponse|success answer without an id|HTTP 40[13]",
    re.IGNORECASE,
)


def ask_until_answered(call: Callable[[], T], lost: tuple[type[Exception], ...]) -> T:
    """`call()`, asked again after an answer that was lost (`lost`), at most
    UNKNOWN_OUTCOME_ATTEMPTS times in all; the last attempt's error is raised. Safe for calls
    Specter recognises when repeated (duplicate control, invoice control, customer matching)."""
    for _ in range(UNKNOWN_OUTCOME_ATTEMPTS - 1):
        with suppress(*lost):
            return call()
    return call()


class OrderExporter:
    """Brings normalized orders of one tenant to Specter."""

    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        specter: SpecterClient,
        *,
        retry_parked: bool = False,
    ) -> None:
        self.tenant = tenant
        self.state = state
        self.specter = specter
        self.retry_parked = retry_parked
        self._customers: dict[str, str] = {}
        self._customer_locks: dict[str, threading.Lock] = {}
        self._customers_lock = threading.Lock()

    def export(self, normalized: Normalized) -> ExportReport:
        """Export every order; up to `EXPORT_CONCURRENCY` orders are in flight at once (each
        order's own steps stay in sequence, and its binding makes it exactly once)."""
        report = ExportReport(outcomes=list(normalized.parked))
        parked = {
            p.entity_key: p
            for p in self.state.parked(self.tenant.id, FLOW)
            if (p.payload or {}).get("stage") == STAGE_SUBMIT
        }
        slots: list[Outcome | None] = []
        todo: list[tuple[int, Order, str, bool]] = []
        for order in normalized.orders:
            key = entity_key(order.shop, order.magento_entity_id)
            print_ = normalized.fingerprints.get((order.shop, order.magento_entity_id), "")
            held = parked.get(key)
            waits = held is not None and not NOT_THE_ORDERS_FAULT.search(held.reason or "")
            if waits and not self.retry_parked and held.source_fingerprint == print_:
                # Parked at submission (say, an article Specter lacks): it waits for a change of
                # the order or for `magspec parked retry`, instead of failing on every run.
                slots.append(self._outcome(order, Result.PARKED, held.reason, held.fix_path))
                continue
            todo.append((len(slots), order, print_, held is not None))
            slots.append(None)

        stop = threading.Event()

        def run(job: tuple[int, Order, str, bool]) -> tuple[int, Outcome | None]:
            index, order, print_, was_parked = job
            if stop.is_set():
                return index, None  # the run is going down: start no further order
            try:
                outcome = self._export_one(order, print_)
            except BaseException:
                stop.set()
                raise
            if outcome.result in (Result.CREATED, Result.ALREADY_PRESENT) and was_parked:
                key = entity_key(order.shop, order.magento_entity_id)
                self.state.resolve_parked(self.tenant.id, FLOW, key)
            return index, outcome

        for index, done in map_bounded(run, todo, EXPORT_CONCURRENCY):
            slots[index] = done
        report.outcomes.extend(o for o in slots if o is not None)
        return report

    def _outcome(
        self, order: Order, result: Result, reason: str = "", fix: str = "", **kw
    ) -> Outcome:
        return Outcome(
            shop=order.shop,
            entity_id=order.magento_entity_id,
            increment_id=order.increment_id,
            result=result,
            reason=reason,
            fix=fix,
            **kw,
        )

    def _park(self, order: Order, print_: str, reason: str, fix: str) -> Outcome:
        self.state.park(
            self.tenant.id,
            FLOW,
            entity_key(order.shop, order.magento_entity_id),
            reason=reason,
            fix_path=fix,
            payload={"stage": STAGE_SUBMIT, "order": json.loads(order.model_dump_json())},
            shop=order.shop,
            source_fingerprint=print_,
        )
        return self._outcome(order, Result.PARKED, reason, fix)

    def _export_one(self, order: Order, print_: str) -> Outcome:
        tenant = self.tenant
        binding = self.state.order_binding(tenant.id, order.shop, order.magento_entity_id)
        if binding and binding.state in self._done_states():
            return self._outcome(
                order,
                Result.ALREADY_PRESENT,
                specter_order_no=binding.specter_order_no or "",
                specter_invoice_no=binding.specter_invoice_no or "",
            )
        # Built before the binding is begun: nothing below can fail on the order's own data.
        notes = Latin1Notes()
        payloads = (
            specter_customer(order, tenant, notes),
            specter_order(order, tenant, tenant.shop(order.shop), "0", notes),
        )
        try:
            order_no, invoice_no, created_now = self._send(order, binding, *payloads)
        except SpecterUnknownArticle as exc:
            return self._park(
                order,
                print_,
                f"Specter has no article {exc.article_no!r}",
                f"create article {exc.article_no} in Specter (or run the product flow), "
                f"or correct the SKU in Magento; then `magspec parked retry {tenant.id}`",
            )
        except SpecterAuthError as exc:
            raise ExportHalted(self._rejected_key(exc)) from None
        except SpecterUnreadable as exc:
            # Asked again and still not Specter's protocol (an error page, garbage): the outcome
            # is unknown, as after a lost answer, so the binding stays `submitting` and the next
            # run's resubmission meets the duplicate control. Not the order's fault: stop here.
            self.state.record_binding_error(
                tenant.id, order.shop, order.magento_entity_id, str(exc)
            )
            raise ExportHalted(self._unreadable(exc, order)) from None
        except (SpecterTransientError, OutcomeUnknown) as exc:
            self.state.record_binding_error(
                tenant.id, order.shop, order.magento_entity_id, str(exc)
            )
            return self._outcome(
                order, Result.FAILED, f"{type(exc).__name__}: {exc}", "retried by the next run"
            )
        except SpecterError as exc:
            return self._park(
                order,
                print_,
                f"Specter refused the order: {exc}",
                "the order data or the tenant's Specter settings; "
                f"then `magspec parked retry {tenant.id}`",
            )
        return self._outcome(
            order,
            Result.CREATED if created_now else Result.ALREADY_PRESENT,
            specter_order_no=order_no,
            specter_invoice_no=invoice_no,
            notes=notes.summary(),
        )

    def _done_states(self) -> set[BindingState]:
        """The binding states in which there is nothing left to send for an order."""
        if self.tenant.orders.document == "invoice":
            return {BindingState.INVOICED}
        return {BindingState.CREATED, BindingState.INVOICING, BindingState.INVOICED}

    def _send(
        self,
        order: Order,
        binding: OrderBinding | None,
        customer_payload: SpecterCustomer,
        order_payload: SpecterOrder,
    ) -> tuple[str, str, bool]:
        """(order no, invoice no, created by this run): the order, then its invoice when the
        tenant wants one, each step recorded in the binding."""
        tenant, shop = self.tenant, self.tenant.shop(order.shop)
        created_now = False
        if binding is None or binding.state is BindingState.SUBMITTING:
            binding = self.state.begin_order_submission(
                tenant.id,
                order.shop,
                order.magento_entity_id,
                increment_id=order.increment_id,
                external_order_no=external_order_no(order, tenant),
                day=order.day,
            )
            customer_id = binding.specter_customer_id or self._customer(customer_payload)
            if customer_id != binding.specter_customer_id:
                self.state.record_customer(
                    tenant.id, order.shop, order.magento_entity_id, customer_id
                )
            # The binding keeps the number of the first attempt, which Specter may hold:
            # only that number meets the duplicate control, even if the tenant's prefix
            # changed since.
            payload = order_payload.model_copy(
                update={"customerId": customer_id, "externalOrderNo": binding.external_order_no}
            )
            order_no, created_now = self._submit_order(payload, shop.webshop_id)
            self.state.record_order_created(
                tenant.id, order.shop, order.magento_entity_id, order_no
            )
        else:
            order_no = binding.specter_order_no or ""
        invoice_no = ""
        if tenant.orders.document == "invoice":
            self.state.begin_invoice(tenant.id, order.shop, order.magento_entity_id)
            invoice_no, invoiced_now = self._submit_invoice(order_no)
            created_now = created_now or invoiced_now
            self.state.record_invoice_created(
                tenant.id, order.shop, order.magento_entity_id, invoice_no
            )
        return order_no, invoice_no, created_now

    def _unreadable(self, exc: SpecterUnreadable, order: Order) -> str:
        tenant = self.tenant
        return (
            f"Specter answered {exc.action or 'a write'} for account {tenant.specter.sbm_id} "
            f"with something that is not its protocol ({exc.message[:120]}): check "
            f"specter.base_url in tenants/{tenant.id}.yaml and Specter's status; the outcome "
            f"of order {order.increment_id} is unknown and the next run resolves it; "
            "nothing was parked"
        )

    def _rejected_key(self, exc: SpecterError) -> str:
        account = self.tenant.specter
        return (
            f"Specter rejected the key for account {account.sbm_id}: check "
            f"{' and '.join(account.key_env_names)} (and specter.api_user_id in "
            f"tenants/{self.tenant.id}.yaml); nothing was parked, the next run sends every order "
            f"[{exc.action}: {exc.message}]"
        )

    def _customer(self, payload: SpecterCustomer) -> str:
        # Customer submits are safe to repeat: Specter matches on e-mail, then org. no. They are
        # sent with `forceCustomerUpdate`, so a customer whose details changed is submitted
        # again; the very same details are submitted once per run.
        cache_key = payload.model_dump_json()
        with self._customers_lock:
            # Orders of one customer in flight at once wait for the first one's submit.
            same_customer = self._customer_locks.setdefault(cache_key, threading.Lock())
        with same_customer:
            known = self._customers.get(cache_key)
            if known:
                return known
            customer_id = ask_until_answered(
                lambda: self.specter.submit_customer(payload), (OutcomeUnknown,)
            )
            self._customers[cache_key] = customer_id
            return customer_id

    def _submit_order(self, payload, webshop_id: str | None) -> tuple[str, bool]:
        """(order no, created by this call). A resubmission after a lost answer finds the order
        through the duplicate control."""

        def submit() -> tuple[str, bool]:
            try:
                return self.specter.submit_order(payload, webshop_id=webshop_id), True
            except SpecterDuplicateOrder as dup:
                if not dup.existing_order_no:
                    raise
                return dup.existing_order_no, False

        return ask_until_answered(submit, (OutcomeUnknown, SpecterUnreadable))

    def _submit_invoice(self, order_no: str) -> tuple[str, bool]:
        def submit() -> tuple[str, bool]:
            try:
                return self.specter.submit_invoice(order_no), True
            except SpecterAlreadyInvoiced as dup:
                if not dup.existing_invoice_no:
                    raise
                return dup.existing_invoice_no, False

        return ask_until_answered(submit, (OutcomeUnknown, SpecterUnreadable))
