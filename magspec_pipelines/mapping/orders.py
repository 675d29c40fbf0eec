"""Magento order → domain `Order` → Specter customer and order payloads.

Pure functions: no I/O. Whatever cannot be translated raises `MappingProblem`, which the flow
parks with its reason and the configuration path that fixes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from magspec_pipelines.domain import (
    Address,
    Customer,
    CustomerKind,
    LineKind,
    Order,
    OrderLine,
)
from magspec_pipelines.magento.models import MagentoAddress, MagentoOrder, MagentoOrderItem
from magspec_pipelines.mapping import order_money as money
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.text import Latin1Notes
from magspec_pipelines.specter import assumed as specter_assumed
from magspec_pipelines.specter.models import SpecterCustomer, SpecterOrder, SpecterOrderRow
from magspec_pipelines.tenancy import Shop, Tenant

MAGENTO_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
# Payment types that Specter books as paid in advance (reference 3.2: PP goes with isPrepayment=1).
PREPAYMENT_TYPES = frozenset({"PP"})
# A Swedish VAT number is SE, the 10-digit organisation number and 01.
SWEDISH_VAT_NO = re.compile(r"SE(\d{6})-?(\d{4})01")
# The customer's comment travels in `publishedComment`; its length is not known (kept modest).
COMMENT_MAX = 1000


def parse_magento_datetime(text: str) -> datetime:
    """Magento REST dates are UTC without a zone marker."""
    return datetime.strptime(text[:19], MAGENTO_DATE_FORMAT).replace(tzinfo=UTC)


def order_day(created_at: str, timezone: str) -> date:
    """The day an order was placed, in the shop's time zone: its partition."""
    return parse_magento_datetime(created_at).astimezone(ZoneInfo(timezone)).date()


def _fix_path(tenant: Tenant, path: str) -> str:
    return f"tenants/{tenant.id}.yaml: {path}"


def parse_order(raw: dict) -> MagentoOrder:
    """Validate a raw Magento order; a malformed payload becomes a `MappingProblem`."""
    try:
        return MagentoOrder.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "order"
        ident = raw.get("increment_id") or raw.get("entity_id") or "?"
        raise MappingProblem(
            f"malformed Magento order {ident}: {where}: {first['msg']}"
            f" ({len(exc.errors())} problem(s) in all)",
            fix="the order in Magento (an extension writing it, or its data); "
            "it is retried when the order changes",
        ) from None


def _address(src: MagentoAddress | None) -> Address | None:
    if src is None:
        return None
    return Address(
        first_name=src.firstname or "",
        last_name=src.lastname or "",
        company=src.company or "",
        street=tuple(s for s in (src.street or []) if s),
        postcode=src.postcode or "",
        city=src.city or "",
        region=src.region or "",
        country_code=src.country_id or "",
        phone=src.telephone or "",
    )


def _usable(address: Address | None) -> bool:
    return bool(address and address.street and address.city and address.country_code)


def _shipping(order: MagentoOrder):
    ext = order.extension_attributes
    for assignment in (ext.shipping_assignments or []) if ext else []:
        if assignment.shipping is not None:
            return assignment.shipping
    return None


def _article_lines(order: MagentoOrder) -> list[OrderLine]:
    oid = order.increment_id
    children: dict[int, MagentoOrderItem] = {}
    for item in order.items:
        if item.parent_item_id is not None:
            children.setdefault(item.parent_item_id, item)
    lines = []
    for item in order.items:
        if item.parent_item_id is not None:
            continue  # a configurable's child row: its money is on the parent row
        child = children.get(item.item_id)
        # The parent row of a configurable carries the child's SKU (magento2#21231); the child
        # row is the safer source when present.
        sku = child.sku if (item.product_type == "configurable" and child) else item.sku
        quantity = money.amount(item.qty_ordered, f"row {item.item_id} quantity", oid)
        if quantity <= 0:
            raise MappingProblem(
                f"order row {item.item_id} ({sku}) has quantity {item.qty_ordered}",
                fix="the order in Magento: a row without quantity cannot be booked in Specter",
            )
        if quantity >= specter_assumed.MAX_QUANTITY:
            raise MappingProblem(
                f"order row {item.item_id} ({sku}) has quantity {item.qty_ordered}, beyond what "
                "Specter can hold",
                fix="the order in Magento: a quantity this size is a data error",
            )
        where = f"row {item.item_id} ({sku})"
        price = money.amount(item.price, f"{where} price", oid)
        rate = money.amount(item.tax_percent, f"{where} tax_percent", oid)
        lines.append(
            OrderLine(
                kind=LineKind.ARTICLE,
                article_no=sku,
                name=item.name or sku,
                quantity=quantity,
                unit_price_excl_vat=price,
                vat_percent=money.vat_percent(rate, where, oid),
                magento_item_id=item.item_id,
            )
        )
    return lines


def _discount_lines(
    order: MagentoOrder, tenant: Tenant, articles: list[OrderLine]
) -> list[OrderLine]:
    """One negative row per VAT rate, so Specter books the discount at the right VAT.

    Magento's default ("Apply Discount On Prices: Excluding Tax") keeps item discounts excl. VAT.
    """
    rate_of = {line.magento_item_id: line.vat_percent for line in articles}
    by_rate: dict[Decimal, Decimal] = {}
    for item in order.items:
        where = f"row {item.item_id} discount_amount"
        discount = money.amount(item.discount_amount, where, order.increment_id)
        if item.parent_item_id is None and discount:
            rate = rate_of.get(item.item_id, Decimal(0))
            # Magento keeps item discounts positive; the sign is not trusted either way.
            by_rate[rate] = by_rate.get(rate, Decimal(0)) + abs(discount)
    label = order.discount_description or "Rabatt"
    return [
        OrderLine(
            kind=LineKind.DISCOUNT,
            article_no=tenant.orders.discount_article,
            name=f"{label} ({rate.normalize():f}%)" if len(by_rate) > 1 else label,
            quantity=Decimal(1),
            unit_price_excl_vat=-amount,
            vat_percent=rate,
        )
        for rate, amount in sorted(by_rate.items())
        if amount
    ]


def _organisation_no(raw: dict, tenant: Tenant, vat_no: str) -> str:
    """A company's organisation number: the tenant's configured attribute, else read out of a
    Swedish VAT number (SE + the 10-digit organisation number + 01)."""
    path = tenant.orders.organisation_no_path
    configured = money.lookup(raw, path) if path else None
    if isinstance(configured, str | int) and str(configured).strip():
        return str(configured).strip()[:32]
    match = SWEDISH_VAT_NO.fullmatch(vat_no.replace(" ", "").upper())
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def _customer(order: MagentoOrder, raw: dict, billing: Address, tenant: Tenant) -> Customer:
    company = billing.company.strip()
    vat_no = (
        (order.billing_address.vat_id if order.billing_address else "")
        or order.customer_taxvat
        or ""
    ).strip()[:32]
    return Customer(
        email=order.customer_email.strip(),
        kind=CustomerKind.COMPANY if company else CustomerKind.PERSON,
        first_name=order.customer_firstname or billing.first_name,
        last_name=order.customer_lastname or billing.last_name,
        company=company,
        organisation_no=_organisation_no(raw, tenant, vat_no) if company else "",
        vat_no=vat_no,
        is_guest=bool(order.customer_is_guest) or order.customer_id is None,
        magento_customer_id=order.customer_id,
        magento_group_id=order.customer_group_id,
    )


def normalize_order(raw: dict, tenant: Tenant, shop: Shop) -> Order:
    """Translate one raw Magento order of `shop` into a domain `Order`."""
    order = parse_order(raw)
    if not order.customer_email.strip():
        raise MappingProblem(
            f"order {order.increment_id} has no customer e-mail",
            fix="the order in Magento: Specter matches customers on e-mail",
        )
    billing = _address(order.billing_address)
    if not _usable(billing):
        raise MappingProblem(
            f"order {order.increment_id} has no usable billing address (street, city, country)",
            fix="the order's billing address in Magento",
        )
    shipping = _shipping(order)
    shipping_address = _address(shipping.address if shipping else None)
    all_virtual = all(
        bool(getattr(item, "is_virtual", 0)) for item in order.items if item.parent_item_id is None
    )
    if not _usable(shipping_address):
        if not all_virtual:
            raise MappingProblem(
                f"order {order.increment_id} has no usable shipping address "
                "(extension_attributes.shipping_assignments[].shipping.address)",
                fix="the order's shipping address in Magento",
            )
        shipping_address = billing
    payment_method = order.payment.method if order.payment else ""
    if payment_method not in tenant.orders.payment_methods:
        raise MappingProblem(
            f"payment method {payment_method or '(none)'!r} of order {order.increment_id} "
            "has no Specter payTypeIdentifier",
            fix=_fix_path(tenant, f"orders.payment_methods.{payment_method or '<method>'}"),
        )
    currency = order.order_currency_code or shop.currency
    notes = []
    if currency != shop.currency:
        if not tenant.orders.allow_foreign_currency:
            raise MappingProblem(
                f"order {order.increment_id} is in {currency}, shop {shop.code} in {shop.currency}",
                fix=_fix_path(tenant, "orders.allow_foreign_currency (or the shop's currency)"),
            )
        notes.append(f"order currency {currency} differs from shop currency {shop.currency}")
    grand_total = money.amount(order.grand_total, "grand_total", order.increment_id)
    articles = _article_lines(order)
    lines = [
        *articles,
        *_discount_lines(order, tenant, articles),
        *money.shipping_lines(order, tenant),
    ]
    extra, unmapped = money.extra_lines(order, raw, tenant)
    lines.extend(extra)
    total = money.document_total(
        (row.priceExclVAT, row.noOfItems, row.vatPercent) for row in specter_rows(lines, None)
    )
    money.reconcile(order.increment_id, grand_total, total, unmapped, raw, tenant)
    placed_at = parse_magento_datetime(order.created_at)
    return Order(
        tenant=tenant.id,
        shop=shop.code,
        magento_entity_id=order.entity_id,
        increment_id=order.increment_id,
        status=order.status or "",
        placed_at=placed_at,
        day=order_day(order.created_at, shop.timezone or tenant.timezone),
        currency=currency,
        language=shop.language,
        customer=_customer(order, raw, billing, tenant),
        billing_address=billing,
        shipping_address=shipping_address,
        payment_method=payment_method,
        payment_reference=(order.payment.last_trans_id or "") if order.payment else "",
        shipping_method=(shipping.method or "") if shipping else "",
        lines=tuple(lines),
        grand_total=grand_total,
        comment=(order.customer_note or "").strip(),
        notes=tuple(notes),
    )


def specter_customer(order: Order, tenant: Tenant, notes: Latin1Notes) -> SpecterCustomer:
    c, bill, ship = order.customer, order.billing_address, order.shipping_address
    text = notes.text
    is_company = c.kind is CustomerKind.COMPANY
    group = (
        tenant.orders.customer_group_company if is_company else tenant.orders.customer_group_person
    )
    return SpecterCustomer(
        customerOrganizationalForm="C" if is_company else "P",
        currency=order.currency,
        language=order.language,
        firstName=text("customer first name", c.first_name),
        surName=text("customer last name", c.last_name),
        name=text("company name", c.company) if is_company else "",
        contactPerson=text("contact person", f"{c.first_name} {c.last_name}".strip())
        if is_company
        else "",
        orgNo=c.organisation_no,
        vatNo=c.vat_no,
        customerGroupId=group or "",
        emailAddress=c.email,
        phoneNo=text("phone", bill.phone),
        address=text("billing street", bill.street[0] if bill.street else ""),
        addressRow2=text("billing street", " ".join(bill.street[1:])),
        zipCodeEng=bill.postcode,
        city=text("billing city", bill.city),
        countryCode=bill.country_code,
        region=text("billing region", bill.region),
        deliveryCompanyName=text("delivery company", ship.company),
        deliveryAttention=text("delivery name", f"{ship.first_name} {ship.last_name}".strip()),
        deliveryAddress=text("delivery street", ship.street[0] if ship.street else ""),
        deliveryAddressRow2=text("delivery street", " ".join(ship.street[1:])),
        deliveryZipCodeEng=ship.postcode,
        deliveryCity=text("delivery city", ship.city),
        deliveryCountryCode=ship.country_code,
        deliveryregion=text("delivery region", ship.region),
        externalCustomerNo=(
            str(c.magento_customer_id)
            if tenant.orders.send_magento_customer_id and c.magento_customer_id is not None
            else ""
        ),
    )


def external_order_no(order: Order, tenant: Tenant) -> str:
    return f"{tenant.orders.external_order_no_prefix}{order.increment_id}"


def specter_order(
    order: Order, tenant: Tenant, shop: Shop, customer_id: str, notes: Latin1Notes
) -> SpecterOrder:
    pay_type = tenant.orders.payment_methods[order.payment_method]
    rows = specter_rows(order.lines, notes)
    return SpecterOrder(
        customerId=customer_id,
        externalOrderNo=external_order_no(order, tenant),
        currency=order.currency,
        language=order.language,
        stocksiteid=shop.stock_site_id or "",
        payTypeIdentifier=pay_type,
        payTypeReference=order.payment_reference,
        isPrepayment=True if pay_type in PREPAYMENT_TYPES else None,
        customerOrderReference=order.increment_id,
        externalDeliveryMethod=order.shipping_method,
        # Staff reading the order in Specter see that a name or address was changed on the way.
        publishedComment=notes.text("order comment", order.comment)[:COMMENT_MAX],
        internalComment=f"magspec: {notes.summary()}" if notes.summary() else "",
        rows=rows,
    )


def specter_rows(lines: Iterable[OrderLine], notes: Latin1Notes | None) -> list[SpecterOrderRow]:
    """The rows as Specter receives them: prices to 3 decimals, VAT as an integer."""
    text = notes.text if notes is not None else (lambda _field, value: value)
    return [
        SpecterOrderRow(
            articleNo=line.article_no,
            articleName=text(f"row {i} name", line.name),
            priceExclVAT=line.unit_price_excl_vat.quantize(MILLI, ROUND_HALF_UP),
            noOfItems=line.quantity.normalize(),
            vatPercent=int(line.vat_percent.quantize(Decimal(1), ROUND_HALF_UP)),
        )
        for i, line in enumerate(lines, start=1)
    ]


def check_payloads(order: Order, tenant: Tenant, shop: Shop) -> None:
    """Build both Specter payloads once, so an order whose data cannot become them is parked
    before anything is sent (the export builds them again with the real customer id)."""
    notes = Latin1Notes()
    specter_customer(order, tenant, notes)
    specter_order(order, tenant, shop, "0", notes)


def as_problem(exc: Exception, raw: dict) -> MappingProblem:
    """Any failure translating one order, as that order's problem with its reason."""
    if isinstance(exc, MappingProblem):
        return exc
    ident = raw.get("increment_id") if isinstance(raw, dict) else None
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return MappingProblem(
        f"order {str(ident)[:40] if ident else '?'} cannot be translated: "
        f"{type(exc).__name__}{': ' + detail if detail else ''}",
        fix="the order in Magento (an extension writing it, or its data); "
        "it is retried when the order changes",
    )
