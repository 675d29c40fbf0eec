"""Specter price lists → Magento base prices and tier prices, and the tier-price plan that
never touches rows magspec does not manage.

Pure functions over client models and the domain; the engines in `flows/pricing_*.py` read and
write. Rounding steps come in as arguments, so the assumptions stay in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from magspec_pipelines.domain.fingerprints import canonical_digest
from magspec_pipelines.domain.pricing import Price, PriceListPrice
from magspec_pipelines.magento.models import TierPrice

# (website id, customer group code folded, quantity): what makes a tier row unique in Magento.
TierKey = tuple[int, str, Decimal]


def shop_amount(
    price_excl_vat: Decimal,
    vat_percent: Decimal,
    includes_vat: bool,
    *,
    incl_step: Decimal,
    excl_step: Decimal,
) -> Decimal:
    """The amount a shop stores: VAT added where its catalog prices include VAT."""
    if includes_vat:
        gross = price_excl_vat * (Decimal(100) + vat_percent) / Decimal(100)
        return gross.quantize(incl_step, rounding=ROUND_HALF_UP)
    return price_excl_vat.quantize(excl_step, rounding=ROUND_HALF_UP)


def rows_by_article(rows: Iterable[PriceListPrice]) -> dict[str, list[PriceListPrice]]:
    """Each article's rows, rising quantity."""
    out: dict[str, list[PriceListPrice]] = {}
    for row in rows:
        out.setdefault(row.article_no, []).append(row)
    for article_rows in out.values():
        article_rows.sort(key=lambda r: r.from_quantity)
    return out


def base_prices(
    rows: Iterable[PriceListPrice],
    currency: str,
    includes_vat: bool,
    vat_for: Any,
    *,
    incl_step: Decimal,
    excl_step: Decimal,
) -> dict[str, Price]:
    """The shop price per article: the row of the lowest quantity (one piece) of the list."""
    out: dict[str, Price] = {}
    for article_no, article_rows in rows_by_article(rows).items():
        first = article_rows[0]
        amount = shop_amount(
            first.price_excl_vat,
            vat_for(article_no),
            includes_vat,
            incl_step=incl_step,
            excl_step=excl_step,
        )
        out[article_no] = Price(article_no, amount, currency, includes_vat)
    return out


def tier_rows(
    rows: Iterable[PriceListPrice],
    customer_group: str,
    website_id: int,
    includes_vat: bool,
    vat_for: Any,
    *,
    incl_step: Decimal,
    excl_step: Decimal,
) -> dict[str, list[TierPrice]]:
    """Every quantity break of a price list as a tier price of one group on one website."""
    out: dict[str, list[TierPrice]] = {}
    for article_no, article_rows in rows_by_article(rows).items():
        out[article_no] = [
            TierPrice(
                sku=article_no,
                price=shop_amount(
                    row.price_excl_vat,
                    vat_for(article_no),
                    includes_vat,
                    incl_step=incl_step,
                    excl_step=excl_step,
                ),
                customer_group=customer_group,
                quantity=row.from_quantity,
                website_id=website_id,
            )
            for row in article_rows
        ]
    return out


def tier_key(row: TierPrice | Mapping[str, Any]) -> TierKey:
    if isinstance(row, TierPrice):
        return (int(row.website_id), row.customer_group.casefold(), _dec(row.quantity))
    return (
        int(row.get("website_id") or 0),
        str(row.get("customer_group") or "").casefold(),
        _dec(row.get("quantity")),
    )


@dataclass
class TierPlan:
    """What to write for one SKU: rows to add or update, managed rows to delete, and wanted rows
    that would collide with an all-websites row of the same group and quantity."""

    sku: str
    add: list[TierPrice] = field(default_factory=list)
    delete: list[TierPrice] = field(default_factory=list)
    conflicts: list[TierPrice] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return bool(self.add or self.delete)


def plan_tiers(
    sku: str,
    wanted: Iterable[TierPrice],
    current: Iterable[Mapping[str, Any]],
    managed_groups: Iterable[str],
    managed_websites: Iterable[int],
) -> TierPlan:
    """Add + delete of exactly the managed rows (group and website magspec writes); every other
    row of the SKU stays as it is, so tiers set by hand for other groups survive.

    A wanted row for a website where Magento already holds the same group and quantity for
    website 0 (all websites) is refused by Magento as a duplicate; it is returned as a conflict
    instead of being sent.
    """
    groups = {g.casefold() for g in managed_groups}
    websites = set(managed_websites)
    plan = TierPlan(sku)
    current_rows = [dict(r) for r in current if str(r.get("sku", sku)) == sku]
    by_key = {tier_key(r): r for r in current_rows}
    global_keys = {(k[1], k[2]) for k in by_key if k[0] == 0}
    wanted_keys: set[TierKey] = set()
    for row in wanted:
        key = tier_key(row)
        if key[0] != 0 and (key[1], key[2]) in global_keys:
            plan.conflicts.append(row)
            continue
        wanted_keys.add(key)
        existing = by_key.get(key)
        if (
            existing is None
            or _dec(existing.get("price")) != _dec(row.price)
            or str(existing.get("price_type") or "fixed") != row.price_type
        ):
            plan.add.append(row)
    for key, row in by_key.items():
        website, group, _ = key
        if group in groups and website in websites and key not in wanted_keys:
            plan.delete.append(
                TierPrice(
                    sku=sku,
                    price=_dec(row.get("price")),
                    customer_group=str(row.get("customer_group")),
                    quantity=_dec(row.get("quantity")),
                    website_id=website,
                    price_type=str(row.get("price_type") or "fixed"),
                )
            )
    return plan


def fingerprint(value: Any) -> str:
    """A stable digest of what was written for one SKU and target."""
    return canonical_digest(value)


def tier_fingerprint(rows: Iterable[TierPrice]) -> str:
    return fingerprint(sorted([*tier_key(r), str(_dec(r.price)), r.price_type] for r in rows))


def _dec(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value)).normalize()
