"""The Magento client against the Magento sandbox, endpoint by endpoint, with every request and
answer checked against Adobe's 2.4.8 schema. Behaviour the schema cannot express is asserted
from the reference notes (sections cited)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from magspec_pipelines.magento.auth import OAuthCredentials
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoNotFound, MagentoRequestError
from magspec_pipelines.magento.models import (
    BasePrice,
    LineQty,
    SourceItem,
    SpecialPrice,
    TierPrice,
    Track,
    Variant,
    custom_attribute,
)
from magspec_pipelines.magento.prices import ALL_GROUPS
from magspec_pipelines.magento.rest import Limits
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines_tests.magento.schema_hooks import TOKEN, SchemaCheckingTransport, no_wait
from magspec_sandbox.luma import load_catalog
from magspec_sandbox.magento import InstanceSpec, MagentoSandbox, StoreViewSpec
from magspec_sandbox.server import BackgroundServer

VIEWS = [
    StoreViewSpec(code="se", name="Svenska", website_code="se", website_name="Sverige"),
    StoreViewSpec(
        code="en", name="English", website_code="eu", website_name="Europe", currency="EUR"
    ),
    StoreViewSpec(code="b2b", name="B2B", website_code="eu", website_name="Europe", currency="EUR"),
]
OLD_SHOP = OAuthCredentials("old-ck", "old-cs", TOKEN, "old-ts")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[MagentoSandbox, str]]:
    sb = MagentoSandbox(
        [
            InstanceSpec(
                name="acme", integration_token=TOKEN, store_views=VIEWS, days=2, input_limits=True
            ),
            InstanceSpec(
                name="old",
                integration_token=TOKEN,
                integration_as_bearer=False,
                msi=False,
                comment_status_rule="legacy",
                days=1,
                oauth_consumer_key=OLD_SHOP.consumer_key,
                oauth_consumer_secret=OLD_SHOP.consumer_secret,
                oauth_access_token_secret=OLD_SHOP.access_token_secret,
            ),
        ]
    )
    with BackgroundServer(sb.app) as server:
        yield sb, server.url


@pytest.fixture
def checked() -> SchemaCheckingTransport:
    return SchemaCheckingTransport(httpx.HTTPTransport())


@pytest.fixture
def acme(
    sandbox: tuple[MagentoSandbox, str], checked: SchemaCheckingTransport
) -> Iterator[MagentoClient]:
    with MagentoClient(
        f"{sandbox[1]}/acme", TOKEN, transport=checked, retry=no_wait(), timeout=5.0
    ) as client:
        yield client


@pytest.fixture
def old(
    sandbox: tuple[MagentoSandbox, str], checked: SchemaCheckingTransport
) -> Iterator[MagentoClient]:
    with MagentoClient(
        f"{sandbox[1]}/old", oauth=OLD_SHOP, transport=checked, retry=no_wait(), timeout=5.0
    ) as client:
        yield client


def child_of(client: MagentoClient, parent: str, index: int = 0) -> str:
    """The SKU of a Luma configurable's child (children differ in colour per product)."""
    return sorted(c["sku"] for c in client.configurable_children(parent))[index]


def simple(sku: str, name: str = "Test article", price: float = 10) -> dict:
    return {"sku": sku, "name": name, "attribute_set_id": 4, "price": price, "type_id": "simple"}


# -- auth ---------------------------------------------------------------------------------------
def test_admin_login_gives_a_working_client(
    sandbox: tuple[MagentoSandbox, str], checked: SchemaCheckingTransport
) -> None:
    with MagentoClient.with_admin_login(
        f"{sandbox[1]}/acme", "admin", "admin123", transport=checked, retry=no_wait()
    ) as client:
        assert client.search_orders(SearchCriteria().page(size=1)).total_count > 0
    assert checked.checked[0] == "POST /V1/integration/admin/token"


def test_oauth_signed_calls_work_where_bearer_is_refused(old: MagentoClient) -> None:
    # §1.2: this shop refuses the integration token as Bearer; signed requests pass, including
    # bracketed searchCriteria and a SKU with `/`, space and non-ASCII in the path (§1.3).
    assert old.search_orders(SearchCriteria().where("entity_id", "gt", 0).page(size=2)).items
    sku = "OLD/1 Blå"
    assert old.save_product(simple(sku))["sku"] == sku
    assert old.get_product(sku)["sku"] == sku


# -- products -----------------------------------------------------------------------------------
@pytest.mark.parametrize("sku", ["RT/01", "RT 02", "RT-Blåbär-ö", "RT+4?x#y"])
def test_skus_with_slashes_spaces_and_non_ascii_round_trip(acme: MagentoClient, sku: str) -> None:
    saved = acme.save_product(simple(sku, name=f"Article {sku}"))
    assert saved["sku"] == sku
    assert acme.get_product(sku)["name"] == f"Article {sku}"
    found = acme.search_products(SearchCriteria().where("sku", "eq", sku)).items
    assert [p["sku"] for p in found] == [sku]
    assert acme.delete_product(sku) is True
    with pytest.raises(MagentoNotFound):
        acme.get_product(sku)


def test_store_view_texts_do_not_touch_global_values(acme: MagentoClient) -> None:
    # §3.3: global data through /rest/all, translations through the store code.
    acme.save_product(simple("RT-SCOPE", name="Hoodie"))
    acme.save_product({"sku": "RT-SCOPE", "name": "Huvtröja"}, scope="se")
    assert acme.get_product("RT-SCOPE", scope="se")["name"] == "Huvtröja"
    assert acme.get_product("RT-SCOPE", scope="all")["name"] == "Hoodie"
    assert acme.get_product("RT-SCOPE", scope="en")["name"] == "Hoodie"


def test_product_paging_returns_each_product_once(acme: MagentoClient) -> None:
    criteria = SearchCriteria().where("sku", "like", "MH0%")
    total = acme.search_products(criteria.page(size=1)).total_count
    seen = [p["id"] for p in acme.iter_products(criteria, page_size=7)]
    assert len(seen) == len(set(seen)) == total > 7


def test_website_assignment(acme: MagentoClient) -> None:
    websites = {w["code"]: w["id"] for w in acme.websites()}
    acme.save_product(simple("RT-WEB"))
    assert acme.unassign_website("RT-WEB", websites["eu"]) is True
    assert websites["eu"] not in acme.get_product("RT-WEB")["extension_attributes"]["website_ids"]
    assert acme.assign_website("RT-WEB", websites["eu"]) is True
    assert websites["eu"] in acme.get_product("RT-WEB")["extension_attributes"]["website_ids"]


def test_configurable_with_new_size_values_is_built_and_idempotent(acme: MagentoClient) -> None:
    variants = [
        Variant(simple("RT-CONF-5XL-Black", price=30), {"size": "5XL", "color": "Black"}),
        Variant(simple("RT-CONF-6XL-Black", price=31), {"size": "6XL", "color": "Black"}),
    ]
    parent = {"sku": "RT-CONF", "name": "Big Hoodie", "attribute_set_id": 4, "price": 0}
    acme.save_configurable(parent, variants)
    sizes = {o["label"]: int(o["value"]) for o in acme.attribute_options("size")}
    assert {"5XL", "6XL"} <= set(sizes)
    children = {c["sku"]: c for c in acme.configurable_children("RT-CONF")}
    assert set(children) == {"RT-CONF-5XL-Black", "RT-CONF-6XL-Black"}
    assert custom_attribute(children["RT-CONF-6XL-Black"], "size") == str(sizes["6XL"])
    options = acme.configurable_options("RT-CONF")
    assert len(options) == 2
    # Again with the same input: no new options, children or attribute values.
    acme.save_configurable(parent, variants)
    assert len(acme.configurable_options("RT-CONF")) == 2
    assert len(acme.configurable_children("RT-CONF")) == 2
    assert len(acme.attribute_options("size")) == len(sizes)
    assert acme.ensure_attribute_options("size", ["5xl "]) == {"5xl ": sizes["5XL"]}


def test_customer_groups_include_the_retailer_group(acme: MagentoClient) -> None:
    codes = {g["code"] for g in acme.customer_groups().items}
    assert {"General", "Retailer"} <= codes


# -- prices -------------------------------------------------------------------------------------
def test_45_tier_prices_pass_the_input_limit_and_read_back(acme: MagentoClient) -> None:
    skus = [c["sku"] for c in acme.configurable_children("MH01")][:15]
    rows = [
        TierPrice(sku=sku, price=40 - q, customer_group="Retailer", quantity=q)
        for sku in skus
        for q in (2, 5, 10)
    ]
    assert len(rows) == 45
    before = acme.stats.by_endpoint().get("POST /V1/products/tier-prices")
    assert acme.add_tier_prices(rows).ok
    calls = acme.stats.by_endpoint()["POST /V1/products/tier-prices"].requests
    assert calls - (before.requests if before else 0) == 3
    stored = {(t["sku"], t["quantity"]) for t in acme.tier_prices(skus)}
    assert {(r.sku, r.quantity) for r in rows} <= stored


def test_tier_price_for_a_website_conflicts_with_all_websites(acme: MagentoClient) -> None:
    # §4 / §9.5: a website-0 row and a website row for the same group and quantity conflict.
    sku = child_of(acme, "MH02")
    website = acme.websites()[0]["id"]
    assert acme.add_tier_prices([TierPrice(sku, 20, "General", 3, website_id=0)]).ok
    result = acme.add_tier_prices([TierPrice(sku, 19, "General", 3, website_id=website)])
    assert [row.sku for row in result.failed] == [sku]
    assert "%" not in result.failed[0].message_rendered


def test_replace_and_delete_tier_prices(acme: MagentoClient) -> None:
    sku = child_of(acme, "MH03")
    acme.add_tier_prices([TierPrice(sku, 30, ALL_GROUPS, q) for q in (2, 4)])
    assert acme.replace_tier_prices([TierPrice(sku, 25, ALL_GROUPS, 6)]).ok
    assert [t["quantity"] for t in acme.tier_prices([sku])] == [6]
    assert acme.delete_tier_prices([TierPrice(sku, 25, ALL_GROUPS, 6)]).ok
    assert acme.tier_prices([sku]) == []


def test_base_prices_report_unknown_skus_per_row(acme: MagentoClient) -> None:
    sku = child_of(acme, "MH04")
    result = acme.update_base_prices([BasePrice(sku, 55), BasePrice("NO-SUCH", 1)])
    assert [row.sku for row in result.failed] == ["NO-SUCH"]
    assert "NO-SUCH" in result.failed[0].message_rendered
    prices = {p["sku"]: p["price"] for p in acme.base_prices([sku])}
    assert prices[sku] == 55


def test_special_prices(acme: MagentoClient) -> None:
    sku = child_of(acme, "MH05")
    row = SpecialPrice(sku, 19, price_from="2026-12-01 00:00:00", price_to="2026-12-24 23:59:59")
    assert acme.update_special_prices([row]).ok
    assert [p["price"] for p in acme.special_prices([sku])] == [19]
    assert acme.delete_special_prices([row]).ok
    assert acme.special_prices([sku]) == []


# -- stock --------------------------------------------------------------------------------------
def test_source_items_and_salable_quantity(acme: MagentoClient) -> None:
    # §5: salable = Σ source quantities of the stock − reservations; the delta shows through.
    sources = [s["source_code"] for s in acme.sources().items]
    sku = child_of(acme, "MH06")
    before = acme.salable_quantity(sku, 1)
    current = {r["source_code"]: r["quantity"] for r in acme.source_items_for([sku], "default")}
    target = Decimal(str(current.get("default", 0))) + 7
    assert acme.push_stock([SourceItem(sku, "default", target)]).ok
    assert acme.salable_quantity(sku, 1) == before + 7
    rows = acme.source_items_for([sku])
    assert {r["source_code"] for r in rows} <= set(sources)
    assert {r["source_code"]: r["quantity"] for r in rows}["default"] == target


def test_out_of_stock_status_per_source(acme: MagentoClient) -> None:
    sku = child_of(acme, "MH07")
    acme.save_source_items([SourceItem(sku, "default", 0, in_stock=False)])
    (row,) = acme.source_items_for([sku], "default")
    assert row["status"] == 0 and row["quantity"] == 0


def test_legacy_stock_on_a_shop_without_msi(old: MagentoClient) -> None:
    assert old.has_msi() is False
    first, second = child_of(old, "MH08", 0), child_of(old, "MH08", 1)
    result = old.push_stock([SourceItem(first, "default", 12), SourceItem(second, "se_store", 4)])
    assert [row.sku for row in result.failed] == [second]
    item = old.stock_item(first)
    assert item["qty"] == 12 and item["is_in_stock"] is True


# -- orders -------------------------------------------------------------------------------------
def new_order(sandbox: tuple[MagentoSandbox, str], shop: str = "acme") -> dict:
    view = "se" if shop == "acme" else "default"
    return sandbox[0].instance(shop).place_order(view)


def test_invoice_then_ship_moves_quantities_and_state(
    acme: MagentoClient, sandbox: tuple[MagentoSandbox, str]
) -> None:
    # §2.3/§2.4: invoice → processing, ship → complete; quantities follow; cancel is refused.
    order = new_order(sandbox)
    parents = [i for i in order["items"] if i.get("parent_item_id") is None]
    first = parents[0]
    assert acme.invoice(order["entity_id"], capture=True) > 0
    invoiced = acme.get_order(order["entity_id"])
    assert invoiced["state"] == "processing"
    assert all(i["qty_invoiced"] == i["qty_ordered"] for i in invoiced["items"])
    partial = [LineQty(first["item_id"], 1)]
    assert acme.ship(order["entity_id"], partial, [Track("JJD01", "dhl", "DHL")]) > 0
    shipped = {i["item_id"]: i for i in acme.get_order(order["entity_id"])["items"]}
    assert shipped[first["item_id"]]["qty_shipped"] == 1
    acme.ship(order["entity_id"], notify=True)
    done = acme.get_order(order["entity_id"])
    assert done["state"] == "complete"
    assert acme.cancel(order["entity_id"]) is False
    tracks = acme.shipments(SearchCriteria().where("order_id", "eq", order["entity_id"])).items
    assert len(tracks) == 2
    invoices = acme.invoices(SearchCriteria().where("order_id", "eq", order["entity_id"]))
    assert invoices.total_count == 1


def test_hold_unhold_cancel_and_email(
    acme: MagentoClient, sandbox: tuple[MagentoSandbox, str]
) -> None:
    order_id = new_order(sandbox)["entity_id"]
    assert acme.hold(order_id) is True
    assert acme.get_order(order_id)["state"] == "holded"
    with pytest.raises(MagentoRequestError):
        acme.hold(order_id)
    assert acme.unhold(order_id) is True
    assert acme.send_order_email(order_id) is True
    assert acme.cancel(order_id) is True
    assert acme.get_order(order_id)["state"] == "canceled"


def test_a_comment_never_wipes_the_status_even_on_old_shops(
    old: MagentoClient, sandbox: tuple[MagentoSandbox, str]
) -> None:
    # §2.4/§9.8: up to 2.4.6 a comment without status sets the status to NULL.
    order = new_order(sandbox, "old")
    assert old.add_comment(order["entity_id"], "Received by the business system") is True
    after = old.get_order(order["entity_id"])
    assert after["status"] == order["status"]
    assert after["status_histories"][0]["comment"] == "Received by the business system"


def test_a_status_outside_the_state_is_refused(
    acme: MagentoClient, sandbox: tuple[MagentoSandbox, str]
) -> None:
    order = new_order(sandbox)
    with pytest.raises(MagentoRequestError, match="not part of the order status history"):
        acme.add_comment(order["entity_id"], "Done", status="complete")
    assert acme.add_comment(order["entity_id"], "Seen", notify=True) is True
    assert acme.get_order(order["entity_id"])["status"] == order["status"]


# -- async bulk ---------------------------------------------------------------------------------
def test_bulk_push_maps_operations_back_to_skus(
    sandbox: tuple[MagentoSandbox, str], checked: SchemaCheckingTransport
) -> None:
    with MagentoClient(
        f"{sandbox[1]}/acme",
        TOKEN,
        transport=checked,
        retry=no_wait(),
        limits=Limits(bulk_threshold=2),
    ) as client:
        good = [simple(f"RT-BULK-{i}") for i in range(3)]
        # §3.1: a new simple product needs a price.
        bad = {"sku": "RT-BULK-BAD", "name": "Bad", "attribute_set_id": 4, "type_id": "simple"}
        result = client.save_products([good[0], bad, *good[1:]])
        (submission,) = result.bulk
        assert [item.entities for item in submission.items] == [
            ("RT-BULK-0",),
            ("RT-BULK-BAD",),
            ("RT-BULK-1",),
            ("RT-BULK-2",),
        ]
        status = client.wait_for_bulk(submission.bulk_uuid, timeout=5, interval=0.05)
        assert set(status.failures(submission)) == {"RT-BULK-BAD"}
        assert client.get_product("RT-BULK-2")["name"] == "Test article"
        detailed = client.bulk_detailed_status(submission.bulk_uuid)
        assert len(detailed.operations) == 4
    assert "async bulk POST /V1/products" in checked.checked


def test_large_pushes_go_through_async_bulk_by_default(
    sandbox: tuple[MagentoSandbox, str], checked: SchemaCheckingTransport
) -> None:
    """§1.5/§7: more than the default threshold of prices travel as one bulk, not 51 calls."""
    skus = [p.sku for p in load_catalog().sellable[:1001]]
    with MagentoClient(f"{sandbox[1]}/acme", TOKEN, transport=checked, retry=no_wait()) as client:
        before = client.stats.requests
        result = client.update_base_prices([BasePrice(sku, Decimal("10.5"), 0) for sku in skus])
        assert result.failed == [] and len(result.bulk) == 1
        assert client.stats.requests - before == 1
        status = client.wait_for_bulk(result.bulk[0].bulk_uuid, timeout=10, interval=0.05)
        assert status.failures(result.bulk[0]) == {}
        prices = client.base_prices([skus[0], skus[-1]])
        assert {Decimal(str(p["price"])) for p in prices if p["store_id"] == 0} == {Decimal("10.5")}
