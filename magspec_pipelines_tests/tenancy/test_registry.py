"""Loading the tenant registry: valid tenants, and every kind of error a person can make."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from magspec_pipelines.tenancy import (
    Flow,
    RegistryLoadError,
    UnknownShop,
    UnknownTenant,
    format_registry_report,
    load_registry,
    registry_exit_status,
)
from magspec_pipelines_tests import REPO
from magspec_pipelines_tests.tenancy.entries import ACME, second_shop, tenant_entry


def _messages(registry) -> list[str]:
    return [str(e) for e in registry.errors]


def test_valid_tenant_loads_with_its_settings(write_tenant) -> None:
    write_tenant(ACME)
    registry = load_registry()

    assert registry.errors == []
    acme = registry.tenant("acme")
    assert acme.orders.start_date == date(2026, 11, 1)
    assert acme.orders.payment_methods["klarna_kp"] == "K"
    assert acme.shop("se").currency == "SEK"
    assert acme.shop_for_store_code("se") is acme.shop("se")
    assert acme.shop_for_store_code("dk") is None
    assert acme.package_info.monthly_order_quota == 400
    assert acme.flows == {
        Flow.ORDERS,
        Flow.ORDER_STATUS,
        Flow.PRICES,
        Flow.PRICE_LISTS,
        Flow.STOCK,
        Flow.PRODUCTS_TO_MAGENTO,
    }
    with pytest.raises(UnknownShop):
        acme.shop("dk")
    with pytest.raises(UnknownTenant):
        registry.tenant("nobody")


def test_tenants_with_flow_follow_the_mode_and_are_sorted(write_tenant) -> None:
    write_tenant(tenant_entry("zeta", mode="ecom"))
    write_tenant(tenant_entry("acme", mode="erp"))
    write_tenant(tenant_entry("beta", mode="combo"))
    registry = load_registry()

    assert [t.id for t in registry.tenants_with_flow("orders")] == ["acme", "beta", "zeta"]
    assert [t.id for t in registry.tenants_with_flow(Flow.STOCK)] == ["acme", "beta"]
    assert [t.id for t in registry.tenants_with_flow("products_to_specter")] == ["beta", "zeta"]
    assert [t.id for t in registry.tenants_with_flow("products_to_magento")] == ["acme"]


def test_small_packages_have_no_order_status_flow(write_tenant) -> None:
    write_tenant(tenant_entry("small", package="200"))
    write_tenant(tenant_entry("big", package="premium"))
    registry = load_registry()

    assert Flow.ORDER_STATUS not in registry.tenant("small").flows
    assert Flow.STOCK in registry.tenant("small").flows
    assert Flow.ORDER_STATUS in registry.tenant("big").flows
    assert registry.tenant("big").package_info.monthly_order_quota is None


def test_error_names_file_tenant_path_and_what_is_allowed(write_tenant) -> None:
    write_tenant(tenant_entry(shops=[ACME["shops"][0], second_shop(currency="SEKK")]))
    registry = load_registry()

    assert "acme" not in registry.tenants
    assert _messages(registry) == [
        "tenants/acme.yaml: tenant 'acme': shops[1].currency: 'SEKK' is not an ISO 4217 code "
        "(allowed: three upper-case letters)"
    ]


def test_unknown_keys_are_rejected_with_the_allowed_keys(write_tenant) -> None:
    orders = {**ACME["orders"], "paymnet_methods": {}}
    write_tenant(tenant_entry(orders=orders))
    (message,) = _messages(load_registry())

    assert message.startswith("tenants/acme.yaml: tenant 'acme': orders.paymnet_methods: ")
    assert "unknown key" in message and "payment_methods" in message


def test_payment_codes_must_be_specter_pay_types(write_tenant) -> None:
    orders = {**ACME["orders"], "payment_methods": {"checkmo": "PP", "klarna_kp": "KLARNA"}}
    write_tenant(tenant_entry(orders=orders))
    (message,) = _messages(load_registry())

    assert "orders.payment_methods.klarna_kp: 'KLARNA'" in message
    assert "allowed:" in message and " KG " in message


def test_several_errors_of_one_file_are_all_reported(write_tenant) -> None:
    shop = {**ACME["shops"][0], "language": "SV", "timezone": "Europe/Stockhlom"}
    write_tenant(tenant_entry(mode="erpp", shops=[shop], cron={"orders": "every 15 minutes"}))
    paths = [e.path for e in load_registry().errors]

    assert sorted(paths) == ["cron.orders", "mode", "shops[0].language", "shops[0].timezone"]


def test_missing_required_settings_are_named(write_tenant) -> None:
    entry = tenant_entry()
    del entry["specter"]
    del entry["orders"]["start_date"]
    write_tenant(entry)
    errors = {e.path: e.message for e in load_registry().errors}

    assert set(errors) == {"specter", "orders.start_date"}


def test_one_broken_file_does_not_stop_the_others(write_tenant) -> None:
    write_tenant(tenant_entry("acme"))
    write_tenant(tenant_entry("beta", package="999"))
    write_tenant(tenant_entry("gamma"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["acme", "gamma"]
    assert [(e.file, e.tenant, e.path) for e in registry.errors] == [
        ("tenants/beta.yaml", "beta", "package")
    ]
    with pytest.raises(RegistryLoadError) as caught:
        registry.raise_for_errors()
    assert "tenants/beta.yaml" in str(caught.value)


def test_duplicate_ids_are_an_error_of_both_files(write_tenant) -> None:
    write_tenant(tenant_entry("acme"), file_name="acme.yaml")
    write_tenant(tenant_entry("acme"), file_name="acme.yml")
    write_tenant(tenant_entry("beta"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["beta"]
    assert sorted(e.file for e in registry.errors) == ["tenants/acme.yaml", "tenants/acme.yml"]
    assert all(e.path == "id" and e.tenant == "acme" for e in registry.errors)


def test_id_must_match_the_file_name(write_tenant) -> None:
    write_tenant(tenant_entry("acme"), file_name="acme_outdoor.yaml")
    registry = load_registry()

    assert registry.tenants == {}
    (error,) = registry.errors
    assert (error.file, error.path) == ("tenants/acme_outdoor.yaml", "id")
    assert "acme_outdoor" in error.message


def test_invalid_id_is_reported_under_the_file_stem(write_tenant) -> None:
    write_tenant(tenant_entry("Acme Outdoor"), file_name="acme.yaml")
    (error,) = load_registry().errors

    assert str(error).startswith("tenants/acme.yaml: tenant 'Acme Outdoor': id: ")
    write_tenant(tenant_entry(id=42), file_name="acme.yaml")
    (error,) = load_registry().errors
    assert str(error).startswith("tenants/acme.yaml: tenant 'acme': id: ")


def test_yaml_syntax_error_is_an_error_of_that_file_with_its_line(write_tenant) -> None:
    write_tenant(tenant_entry("beta"))
    write_tenant("id: acme\nname: ACME\nshops:\n  - code: se\n   store_code: se\n")
    registry = load_registry()

    assert sorted(registry.tenants) == ["beta"]
    (error,) = registry.errors
    assert error.file == "tenants/acme.yaml" and error.tenant == "acme"
    assert "YAML syntax error at line 5" in str(error)


def test_empty_file_is_an_error(write_tenant) -> None:
    write_tenant("", file_name="empty.yaml")
    (error,) = load_registry().errors
    assert error.file == "tenants/empty.yaml" and "empty" in error.message


def test_multishop_needs_api_v2_and_distinct_webshop_ids(write_tenant) -> None:
    specter_v1 = {
        "base_url": "http://127.0.0.1:8782",
        "sbm_id": "1001",
        "api_user_id": "7",
        "api_version": 1,
        "md5_key1_env": "MAGSPEC_ACME_MD5_KEY1",
        "md5_key2_env": "MAGSPEC_ACME_MD5_KEY2",
    }
    shops = [ACME["shops"][0], second_shop(webshop_id="1"), second_shop(code="dk", store_code="dk")]
    write_tenant(tenant_entry(specter=specter_v1, shops=shops))
    errors = {(e.path, e.message) for e in load_registry().errors}

    assert {path for path, _ in errors} == {
        "specter.api_version",
        "shops[0].webshop_id",
        "shops[1].webshop_id",
    }
    assert any("multishop needs Specter API v2" in m for _, m in errors)


def test_single_shop_may_use_api_v1(write_tenant) -> None:
    specter_v1 = {
        "base_url": "http://127.0.0.1:8782",
        "sbm_id": 1001,
        "api_user_id": 7,
        "api_version": 1,
        "md5_key1_env": "MAGSPEC_ACME_MD5_KEY1",
        "md5_key2_env": "MAGSPEC_ACME_MD5_KEY2",
    }
    shop = {**ACME["shops"][0], "webshop_id": None}
    write_tenant(tenant_entry(specter=specter_v1, shops=[shop]))
    registry = load_registry()

    assert registry.errors == []
    assert registry.tenant("acme").specter.sbm_id == "1001"
    assert registry.tenant("acme").specter.key_env_names == (
        "MAGSPEC_ACME_MD5_KEY1",
        "MAGSPEC_ACME_MD5_KEY2",
    )


def test_norwegian_shop_settings_are_not_read_as_booleans(write_tenant) -> None:
    text = (Path(write_tenant(tenant_entry(shops=[ACME["shops"][0], second_shop()])))).read_text()
    # Written by hand the way people do: unquoted `no` and `NO` must stay text.
    text = text.replace("code: 'no'", "code: no").replace("language: 'NO'", "language: NO")
    write_tenant(text)
    registry = load_registry()

    assert registry.errors == []
    norway = registry.tenant("acme").shop("no")
    assert (norway.store_code, norway.language) == ("no", "NO")


def test_separate_magento_installation_per_shop(write_tenant) -> None:
    other = {"base_url": "http://127.0.0.1:8781/norway", "token_env": "MAGSPEC_ACME_NO_TOKEN"}
    write_tenant(
        tenant_entry(shops=[ACME["shops"][0], second_shop(store_code="se", magento=other)])
    )
    acme = load_registry().tenant("acme")

    assert acme.magento_for(acme.shop("no")).base_url == "http://127.0.0.1:8781/norway"
    assert acme.magento_for(acme.shop("se")).base_url == "http://127.0.0.1:8781/acme"
    assert "MAGSPEC_ACME_NO_TOKEN" in acme.secret_env_names()


def test_same_store_view_twice_in_one_installation_is_refused(write_tenant) -> None:
    write_tenant(tenant_entry(shops=[ACME["shops"][0], second_shop(store_code="se")]))
    assert [e.path for e in load_registry().errors] == ["shops[1].store_code"]


def test_pasted_secret_value_is_never_echoed(write_tenant) -> None:
    magento = {"base_url": "http://127.0.0.1:8781/acme", "token_env": "xk91-very-secret-token"}
    write_tenant(tenant_entry(magento=magento))
    (error,) = load_registry().errors

    assert error.path == "magento.token_env"
    assert "xk91-very-secret-token" not in str(error)


def test_folder_comes_from_env_and_a_missing_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_tenant
) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "beta.yaml").write_text((write_tenant(tenant_entry("beta"))).read_text())
    monkeypatch.setenv("MAGSPEC_TENANTS_DIR", str(other))
    assert list(load_registry().tenants) == ["beta"]

    missing = load_registry(tmp_path / "nowhere")
    assert missing.tenants == {} and "does not exist" in str(missing.errors[0])
    assert registry_exit_status(missing) == 2


def test_report_lists_tenants_then_errors(write_tenant) -> None:
    write_tenant(tenant_entry("acme", mode="ecom"))
    write_tenant(tenant_entry("beta", package="999"))
    registry = load_registry()
    report = format_registry_report(registry)

    acme_line = next(line for line in report.splitlines() if line.startswith("acme "))
    assert "ecom" in acme_line and "400" in acme_line and "products_to_specter" in acme_line
    assert "stock" not in acme_line
    assert "tenants/beta.yaml: tenant 'beta': package:" in report
    assert registry_exit_status(registry) == 1

    (Path("tenants") / "beta.yaml").unlink()
    assert registry_exit_status(load_registry()) == 0


def test_cron_is_per_flow_with_a_default_for_orders(write_tenant) -> None:
    entry = tenant_entry()
    del entry["cron"]
    write_tenant(entry)
    write_tenant(tenant_entry("beta", cron={"stock": "0 * * * 1-5", "stok": "0 * * * *"}))
    registry = load_registry()

    assert registry.tenant("acme").cron_for(Flow.ORDERS) == "*/15 * * * *"
    assert registry.tenant("acme").cron_for("stock") is None
    (error,) = registry.errors
    assert error.path == "cron.stok" and "stock" in error.message


def test_a_tier_price_list_naming_an_unknown_shop_is_an_error(tmp_path) -> None:
    import shutil

    from magspec_pipelines.tenancy import load_registry

    folder = tmp_path / "tenants"
    shutil.copytree(REPO / "tenants", folder)
    path = folder / "acme.yaml"
    text = path.read_text()
    anchor = "      customer_group: Retailer\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "      shops: [se, xx]\n", 1))
    registry = load_registry(folder)
    assert "acme" not in registry.tenants
    (error,) = [e for e in registry.errors if "acme" in str(e)]
    assert "pricing.tier_prices[0].shops[1]" in str(error)
    assert "'xx' is not a shop of this tenant" in str(error)
