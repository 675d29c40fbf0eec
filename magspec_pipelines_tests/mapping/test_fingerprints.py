"""Stored fingerprints never change value: a changed digest would make every article, price and
order look changed after an upgrade. The digests below were taken from the code before
domain/fingerprints.py existed (mapping.articles.digest, mapping.prices.fingerprint,
mapping.status.delivery_key, flows/order_status/stage._digest, flows/orders/outcomes.fingerprint)."""

from datetime import date
from decimal import Decimal

from magspec_pipelines.domain.fingerprints import canonical_digest, canonical_json, short_digest
from magspec_pipelines.flows.orders.outcomes import fingerprint as order_fingerprint
from magspec_pipelines.mapping.articles import digest
from magspec_pipelines.mapping.prices import fingerprint
from magspec_pipelines.mapping.status import delivery_key
from magspec_pipelines.specter.changes import Delivery

WRITTEN = {
    "sku": "MH01-XS-Black",
    "price": Decimal("41.60"),
    "names": ["Å", "b"],
    "when": date(2026, 1, 2),
    "n": None,
}


def test_canonical_digests_are_pinned() -> None:
    assert canonical_digest(WRITTEN) == "f677c067f25499efb0526e83328fb12a"
    assert digest(WRITTEN) == fingerprint(WRITTEN) == "f677c067f25499efb0526e83328fb12a"
    # The orders' source fingerprint: json's default separators.
    assert canonical_digest(WRITTEN, compact=False) == "8631e05b7031bd6932902a0a0931f30e"
    assert order_fingerprint(WRITTEN) == "8631e05b7031bd6932902a0a0931f30e"


def test_short_digests_are_pinned() -> None:
    assert short_digest("orders:acme\n2026-01-02") == "7272604e67d55088"
    delivery = Delivery(None, ("TRK1",), date(2026, 1, 2), "PostNord", (("A1", Decimal("2")),))
    assert delivery_key(delivery) == "delivery:#cde8fe273763f369"
    staged = {"orderNo": "1001", "status": "delivered", "amount": Decimal("1.50")}
    assert short_digest(canonical_json(staged, compact=False)) == "a9be66a6d87cb108"
    # The check sample's sort key: all 40 digits.
    assert short_digest("s:a", length=40) == "8464b5dd5e8be03abcbcbfbdab6635a711d8a434"
