"""Every amount of a Magento order as a row of the Specter document, and the check that they add up.

Magento keeps an order's money in several places (Adobe's 2.4.8 schema, `sales-data-order-interface`
and its extension attributes): item rows, item discounts, shipping and its discount, fees
(`custom_fees`), gift wrapping (`gw_*`), gift cards, store credit (`customer_balance_amount`) and
reward points (`reward_currency_amount`), and whatever an extension adds. Each kind becomes rows
on the article number the tenant chose. A kind without an article is not dropped: it is reported
as `Unmapped`, and the reconciliation parks the order naming it.

Reconciliation: the document's total incl. VAT, computed as Specter computes it
(`specter/assumed.py`), must be Magento's `grand_total` within the tenant's tolerance, or the
order is parked with the difference and its likely cause. Nothing is ever submitted wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from magspec_pipelines.domain import LineKind, OrderLine
from magspec_pipelines.magento.models import MagentoOrder
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.specter import assumed as specter_assumed
from magspec_pipelines.tenancy import Tenant

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Gift wrapping's prices (excl. VAT) and their VAT, for the order, its items and the card.
_WRAP_PRICES = ("gw_price", "gw_items_price", "gw_card_price")
_WRAP_TAXES = ("gw_tax_amount", "gw_items_tax_amount", "gw_card_tax_amount")
# Amounts that pay part of the grand total after VAT: (row kind, label, key under
# `orders.money_articles`, extension attribute).
_PAYMENTS = (
    (LineKind.GIFT_CARD, "gift card", "gift_card", "gift_cards_amount"),
    (LineKind.STORE_CREDIT, "store credit", "store_credit", "customer_balance_amount"),
    (LineKind.REWARD_POINTS, "reward points", "reward_points", "reward_currency_amount"),
)
# Extension attributes that carry money magspec books (or knowingly leaves: the invoiced and
# refunded twins, which describe later documents, and the `base_` twins in base currency).
_BOOKED_EXTENSION_AMOUNTS = frozenset(
    {*_WRAP_PRICES, *_WRAP_TAXES, *(attribute for *_, attribute in _PAYMENTS)}
)
_LATER_DOCUMENTS = ("_invoiced", "_refunded", "_canceled", "_incl_tax", "_total_refunded")


@dataclass(frozen=True)
class Unmapped:
    """A kind of amount the order carries and the tenant has no article for."""

    label: str
    amount: Decimal  # its effect on the grand total (a gift card is negative)
    fix_key: str  # the key under `orders.` that takes the article number


def amount(value: Any, where: str, order_id: str) -> Decimal:
    """A finite amount Specter can hold, or a `MappingProblem` naming the field."""
    if value is None or value == "":
        return Decimal(0)
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise MappingProblem(
            f"order {order_id}: {where} is not a number ({str(value)[:40]!r})",
            fix="the order in Magento (an extension writing it, or its data)",
        ) from None
    if not number.is_finite() or abs(number) >= specter_assumed.MAX_AMOUNT:
        raise MappingProblem(
            f"order {order_id}: {where} {str(value)[:40]} is beyond what Specter can hold "
            f"(at most {specter_assumed.MAX_AMOUNT:,} in magnitude)",
            fix="the order in Magento: an amount this size is a data error",
        )
    return number


def vat_percent(rate: Decimal, where: str, order_id: str) -> Decimal:
    """A VAT rate as Specter's integer `vatPercent`; a fractional rate cannot be held and is not
    rounded silently into another rate."""
    if not (0 <= rate <= HUNDRED):
        raise MappingProblem(
            f"order {order_id}: {where} VAT rate {rate}% is not between 0 and 100",
            fix="the tax rates in Magento",
        )
    whole = rate.quantize(Decimal(1), ROUND_HALF_UP)
    if abs(rate - whole) > specter_assumed.VAT_RATE_SLACK:
        raise MappingProblem(
            f"order {order_id}: {where} VAT rate {rate.normalize():f}% is not a whole percent, "
            "and Specter's vatPercent is an integer",
            fix="the tax rates in Magento, or book such orders by hand",
        )
    return whole


def _rate_of(tax: Decimal, base: Decimal) -> Decimal:
    return (tax / base * HUNDRED) if base else Decimal(0)


def _line(kind: LineKind, article: str, name: str, price: Decimal, rate: Decimal) -> OrderLine:
    return OrderLine(
        kind=kind,
        article_no=article,
        name=name,
        quantity=Decimal(1),
        unit_price_excl_vat=price,
        vat_percent=rate,
    )


def _excl(gross: Decimal, rate: Decimal) -> Decimal:
    """The amount excl. VAT of an amount that includes it, to Specter's 3 decimals."""
    places = Decimal(1).scaleb(-specter_assumed.PRICE_DECIMALS)
    return (gross / (1 + rate / HUNDRED)).quantize(places, ROUND_HALF_UP)


def shipping_rate(order: MagentoOrder, shipping: Decimal, discount: Decimal) -> Decimal:
    """Shipping's VAT rate. `shipping_incl_tax` is before the shipping discount, the tax after
    it (Magento's default "apply tax after discount"), so the first is the safer source."""
    oid = order.increment_id
    incl = amount(order.shipping_incl_tax, "shipping_incl_tax", oid)
    tax = amount(order.shipping_tax_amount, "shipping_tax_amount", oid)
    if shipping > 0 and incl > shipping:
        return _rate_of(incl - shipping, shipping)
    return _rate_of(tax, shipping - discount) if shipping - discount > 0 else Decimal(0)


def shipping_lines(order: MagentoOrder, tenant: Tenant) -> list[OrderLine]:
    oid = order.increment_id
    shipping = amount(order.shipping_amount, "shipping_amount", oid)
    discount = abs(amount(order.shipping_discount_amount, "shipping_discount_amount", oid))
    if shipping <= 0 and discount == 0:
        return []
    rate = vat_percent(shipping_rate(order, shipping, discount), "shipping", oid)
    lines = []
    if shipping > 0:
        label = order.shipping_description or "Frakt"
        lines.append(
            _line(LineKind.SHIPPING, tenant.orders.shipping_article, label, shipping, rate)
        )
    if discount:
        article = tenant.orders.money_articles.shipping_discount or tenant.orders.discount_article
        lines.append(_line(LineKind.SHIPPING_DISCOUNT, article, "Fraktrabatt", -discount, rate))
    return lines


def extra_lines(
    order: MagentoOrder, raw: dict[str, Any], tenant: Tenant
) -> tuple[list[OrderLine], list[Unmapped]]:
    """Rows for gift wrapping, fees, gift cards, store credit, reward points and the tenant's
    mapped totals; and the kinds that carry money without an article."""
    oid = order.increment_id
    settings = tenant.orders
    articles = settings.money_articles
    ext = raw.get("extension_attributes")
    ext = ext if isinstance(ext, dict) else {}
    lines: list[OrderLine] = []
    unmapped: list[Unmapped] = []

    wrap = sum((amount(ext.get(k), k, oid) for k in _WRAP_PRICES), Decimal(0))
    wrap_tax = sum((amount(ext.get(k), k, oid) for k in _WRAP_TAXES), Decimal(0))
    if wrap or wrap_tax:
        if articles.gift_wrapping is None:
            unmapped.append(
                Unmapped("gift wrapping", wrap + wrap_tax, "money_articles.gift_wrapping")
            )
        else:
            rate = vat_percent(_rate_of(wrap_tax, wrap), "gift wrapping", oid)
            lines.append(
                _line(
                    LineKind.GIFT_WRAPPING, articles.gift_wrapping, "Presentinslagning", wrap, rate
                )
            )

    fees = ext.get("custom_fees")
    for fee in fees if isinstance(fees, list) else []:
        if not isinstance(fee, dict):
            continue
        code = str(fee.get("custom_fee_code") or "")[:64]
        value = amount(fee.get("custom_fee_amount"), f"custom fee {code!r}", oid)
        if not value:
            continue
        mapped = settings.fees.get(code)
        label = str(fee.get("custom_fee_label") or code or "fee")[:100]
        if mapped is None:
            unmapped.append(Unmapped(f"fee {code!r}", value, f"fees.{code or '<code>'}.article"))
            continue
        price = _excl(value, mapped.vat_percent)
        lines.append(
            _line(LineKind.FEE, mapped.article, mapped.label or label, price, mapped.vat_percent)
        )

    for kind, label, key, attribute in _PAYMENTS:
        # VAT-free, and always lowering the grand total whatever sign Magento stored.
        paid = -abs(amount(ext.get(attribute), attribute, oid))
        article = getattr(articles, key)
        if not paid:
            continue
        if article is None:
            unmapped.append(Unmapped(label, paid, f"money_articles.{key}"))
        else:
            lines.append(_line(kind, article, label.capitalize(), paid, Decimal(0)))

    for mapped in settings.mapped_totals:
        value = amount(lookup(raw, mapped.path), mapped.path, oid)
        if not value:
            continue
        value = -abs(value) if mapped.negative else value
        price = _excl(value, mapped.vat_percent)
        label = mapped.label or mapped.path.rsplit(".", 1)[-1]
        lines.append(_line(LineKind.MAPPED_TOTAL, mapped.article, label, price, mapped.vat_percent))
    return lines, unmapped


def lookup(raw: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of the order, or None."""
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def unknown_amounts(raw: dict[str, Any], tenant: Tenant) -> list[tuple[str, Decimal]]:
    """Extension attributes that look like money magspec does not book (a hint for the reason)."""
    ext = raw.get("extension_attributes")
    mapped = {m.path for m in tenant.orders.mapped_totals}
    found = []
    for key, value in ext.items() if isinstance(ext, dict) else ():
        if (
            key.startswith("base_")
            or key in _BOOKED_EXTENSION_AMOUNTS
            or key.endswith(_LATER_DOCUMENTS)
            or f"extension_attributes.{key}" in mapped
            or not (key.endswith("_amount") or key.endswith("_fee"))
        ):
            continue
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            continue
        if number.is_finite() and number:
            found.append((f"extension_attributes.{key}", number))
    return found


def document_total(rows: Iterable[tuple[Decimal, Decimal, int]]) -> Decimal:
    """The total incl. VAT Specter computes for rows of (price excl. VAT, quantity, VAT %)."""
    net_by_rate: dict[int, Decimal] = {}
    total = Decimal(0)
    for price, quantity, rate in rows:
        net = (price * quantity).quantize(CENT, ROUND_HALF_UP)
        total += net
        net_by_rate[rate] = net_by_rate.get(rate, Decimal(0)) + net
    vat = sum(
        ((net * rate / HUNDRED).quantize(CENT, ROUND_HALF_UP) for rate, net in net_by_rate.items()),
        Decimal(0),
    )
    return total + vat


def reconcile(
    order_id: str,
    grand_total: Decimal,
    specter_total: Decimal,
    unmapped: list[Unmapped],
    raw: dict[str, Any],
    tenant: Tenant,
) -> None:
    """Raise a `MappingProblem` unless the document is the order, to the tenant's tolerance.

    `raw` is the Magento order: only when no known kind explains a difference is it searched for
    amounts magspec does not book, to name the likely cause."""
    difference = grand_total - specter_total
    tolerance = tenant.orders.total_tolerance
    if abs(difference) <= tolerance and not unmapped:
        return
    causes = [f"{u.label} {u.amount:.2f} not mapped" for u in unmapped]
    unknown = [] if unmapped else unknown_amounts(raw, tenant)
    if not causes:
        causes = [f"{path} is {value:.2f}" for path, value in unknown]
    why = f" ({'; '.join(causes)})" if causes else ""
    reason = (
        f"totals differ: Magento {grand_total:.2f}, Specter {specter_total:.2f}, "
        f"difference {difference:.2f}{why}"
        if abs(difference) > tolerance
        else f"order {order_id} carries amounts without an article{why}"
    )
    fix_file = f"tenants/{tenant.id}.yaml"
    if unmapped:
        keys = ", ".join(f"orders.{u.fix_key}" for u in unmapped)
        fix = (
            f"set {keys} in {fix_file} to a Specter article number; the order is retried by itself"
        )
    elif unknown:
        fix = (
            f"map {unknown[0][0]} under orders.mapped_totals in {fix_file} "
            "(article, vat_percent, negative)"
        )
    else:
        fix = (
            "compare the order's rows in Magento with its totals (an extension that changes "
            f"totals, or discounts incl. VAT); orders.total_tolerance in {fix_file} is "
            f"{tolerance}"
        )
    raise MappingProblem(reason, fix=fix)
