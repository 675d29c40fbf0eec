"""Order bindings in the state store: an order is bound before it is sent to Specter, and each
step (customer, order, invoice) moves the binding on, so a rerun knows what is left to do."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from magspec_pipelines.state.core import StoreCore
from magspec_pipelines.state.rows import (
    BindingNotFound,
    BindingStateError,
    DuplicateSpecterOrder,
    OrderBinding,
    binding_from_row,
)
from magspec_pipelines.state.schema import BindingState, order_bindings


class OrderBindingStore(StoreCore):
    """The order-binding part of `StateStore`."""

    def order_binding(self, tenant: str, shop: str, entity_id: int) -> OrderBinding | None:
        with self.engine.connect() as conn:
            row = conn.execute(_binding_query(tenant, shop, entity_id)).first()
        return None if row is None else binding_from_row(row)

    def order_bindings(
        self,
        tenant: str,
        *,
        shop: str | None = None,
        day: date | None = None,
        entity_ids: Iterable[int] | None = None,
        states: Iterable[BindingState] | None = None,
    ) -> list[OrderBinding]:
        t = order_bindings
        query = select(t).where(t.c.tenant == tenant)
        if shop is not None:
            query = query.where(t.c.shop == shop)
        if day is not None:
            query = query.where(t.c.day == day)
        if entity_ids is not None:
            query = query.where(t.c.magento_entity_id.in_(list(entity_ids)))
        if states is not None:
            query = query.where(t.c.state.in_([BindingState(s).value for s in states]))
        query = query.order_by(t.c.day, t.c.shop, t.c.magento_entity_id)
        with self.engine.connect() as conn:
            return [binding_from_row(row) for row in conn.execute(query)]

    def begin_order_submission(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        *,
        increment_id: str,
        external_order_no: str,
        day: date,
    ) -> OrderBinding:
        """Bind the order before it is sent: a new row, or one more attempt of a `submitting` row.

        A retry keeps the first `external_order_no` and `day`: the earlier attempt may have
        reached Specter under that number, and Specter's duplicate control needs the same one.
        Raises `BindingStateError` when the order has already moved past `submitting`.
        """
        t, now = order_bindings, self._clock()
        insert = self._insert(t).values(
            tenant=tenant,
            shop=shop,
            magento_entity_id=entity_id,
            magento_increment_id=increment_id,
            external_order_no=external_order_no,
            day=day,
            state=BindingState.SUBMITTING.value,
            attempts=1,
            created_at=now,
            updated_at=now,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.shop, t.c.magento_entity_id],
            set_={"attempts": t.c.attempts + 1, "updated_at": now},
            where=t.c.state == BindingState.SUBMITTING.value,
        ).returning(*t.c)
        with self.engine.begin() as conn:
            row = conn.execute(upsert).first()
            if row is None:
                existing = conn.execute(_binding_query(tenant, shop, entity_id)).one()
                raise BindingStateError(binding_from_row(existing), BindingState.SUBMITTING)
        return binding_from_row(row)

    def record_customer(self, tenant: str, shop: str, entity_id: int, customer_id: str) -> None:
        self._move(tenant, shop, entity_id, {"specter_customer_id": customer_id})

    def record_order_created(
        self, tenant: str, shop: str, entity_id: int, order_no: str
    ) -> OrderBinding:
        """The order exists in Specter as `order_no`. Repeating it with the same number is a no-op."""
        return self._move(
            tenant,
            shop,
            entity_id,
            {"specter_order_no": order_no, "last_error": None},
            to=BindingState.CREATED,
            from_states=(BindingState.SUBMITTING,),
            same_as=("specter_order_no", order_no),
        )

    def begin_invoice(self, tenant: str, shop: str, entity_id: int) -> OrderBinding:
        return self._move(
            tenant,
            shop,
            entity_id,
            {},
            to=BindingState.INVOICING,
            from_states=(BindingState.CREATED, BindingState.INVOICING),
            count_attempt=True,
        )

    def record_invoice_created(
        self, tenant: str, shop: str, entity_id: int, invoice_no: str
    ) -> OrderBinding:
        return self._move(
            tenant,
            shop,
            entity_id,
            {"specter_invoice_no": invoice_no, "last_error": None},
            to=BindingState.INVOICED,
            from_states=(BindingState.INVOICING,),
            same_as=("specter_invoice_no", invoice_no),
        )

    def record_binding_error(self, tenant: str, shop: str, entity_id: int, message: str) -> None:
        self._move(tenant, shop, entity_id, {"last_error": message})

    def _move(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        values: dict[str, Any],
        *,
        to: BindingState | None = None,
        from_states: tuple[BindingState, ...] = (),
        same_as: tuple[str, str] | None = None,
        count_attempt: bool = False,
    ) -> OrderBinding:
        t = order_bindings
        changes: dict[str, Any] = {**values, "updated_at": self._clock()}
        if to is not None:
            changes["state"] = to.value
        if count_attempt:
            changes["attempts"] = t.c.attempts + 1
        statement = (
            update(t)
            .where(t.c.tenant == tenant, t.c.shop == shop, t.c.magento_entity_id == entity_id)
            .values(changes)
            .returning(*t.c)
        )
        if from_states:
            statement = statement.where(t.c.state.in_([s.value for s in from_states]))
        try:
            with self.engine.begin() as conn:
                row = conn.execute(statement).first()
                if row is None:
                    existing = conn.execute(_binding_query(tenant, shop, entity_id)).first()
        except IntegrityError as exc:
            raise DuplicateSpecterOrder(
                f"Specter order {values.get('specter_order_no')!r} is already bound to another "
                f"order of tenant {tenant!r}"
            ) from exc
        if row is not None:
            return binding_from_row(row)
        if existing is None:
            raise BindingNotFound(tenant, shop, entity_id)
        binding = binding_from_row(existing)
        if to is not None and binding.state is to and same_as is not None:
            column, wanted = same_as
            if getattr(binding, column) == wanted:
                return binding
        raise BindingStateError(binding, to or binding.state)


def _binding_query(tenant: str, shop: str, entity_id: int) -> Any:
    t = order_bindings
    return select(t).where(
        t.c.tenant == tenant, t.c.shop == shop, t.c.magento_entity_id == entity_id
    )
