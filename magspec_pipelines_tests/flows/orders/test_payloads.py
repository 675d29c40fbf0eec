"""The Specter customer and order payloads field by field, and what the order's record says was
changed on the way. Pinned by mutation testing (`./dev mutate mapping`)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.mapping.orders import (
    as_problem,
    check_payloads,
    normalize_order,
    specter_customer,
    specter_order,
)
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.text import Latin1Notes
from magspec_pipelines_tests.flows.orders.support import shipped_tenant, with_orders
from magspec_pipelines_tests.flows.orders.test_mapping import address, magento_order


@pytest.fixture(scope="module")
def acme():
    return shipped_tenant("acme")


def company_order(**billing) -> dict:
    raw = magento_order(customer_is_guest=0, customer_group_id=2)
    fields = {
        "company": "Fjällvaror AB",
        "vat_id": "SE 5566778899 01",
        "street": ["Storgatan 1", "Lgh 1102", "Port B"],
        "region": "Västra Götaland",
    }
    raw["billing_address"] = address("billing", **(fields | billing))
    return raw


def test_a_company_customer_field_by_field(acme):
    order = normalize_order(company_order(), acme, acme.shop("se"))
    payload = specter_customer(order, acme, Latin1Notes())
    assert payload.form_fields() == {
        "customerOrganizationalForm": "C",
        "currency": "SEK",
        "language": "SE",
        "firstName": "Åsa",
        "surName": "Öberg",
        "name": "Fjällvaror AB",
        "contactPerson": "Åsa Öberg",
        "orgNo": "556677-8899",
        "vatNo": "SE 5566778899 01",
        "customerGroupId": "2",
        "emailAddress": "asa@example.se",
        "phoneNo": "031-123456",
        "address": "Storgatan 1",
        "addressRow2": "Lgh 1102 Port B",
        "zipCodeEng": "411 01",
        "city": "Göteborg",
        "countryCode": "SE",
        "region": "Västra Götaland",
        "deliveryAttention": "Bo Öberg",
        "deliveryAddress": "Hamngatan 2",
        "deliveryZipCodeEng": "411 01",
        "deliveryCity": "Göteborg",
        "deliveryCountryCode": "SE",
    }


def test_a_person_has_no_company_fields_and_the_person_group(acme):
    tenant = with_orders(acme, customer_group_person="5")
    order = normalize_order(magento_order(), tenant, tenant.shop("se"))
    fields = specter_customer(order, tenant, Latin1Notes()).form_fields()
    assert fields["customerOrganizationalForm"] == "P"
    assert fields["customerGroupId"] == "5"
    assert not {"name", "contactPerson", "orgNo"} & set(fields)
    assert order.customer.is_guest is False
    guest = normalize_order(magento_order(customer_id=None), tenant, tenant.shop("se"))
    assert guest.customer.is_guest is True
    flagged = normalize_order(magento_order(customer_is_guest=1), tenant, tenant.shop("se"))
    assert flagged.customer.is_guest is True


def test_missing_address_parts_stay_empty(acme):
    raw = magento_order()
    raw["billing_address"].update(firstname=None, lastname=None, telephone=None, region=None)
    raw["billing_address"]["postcode"] = None
    raw.update(customer_firstname=None, customer_lastname=None)
    order = normalize_order(raw, acme, acme.shop("se"))
    fields = specter_customer(order, acme, Latin1Notes()).form_fields()
    assert not {"firstName", "surName", "phoneNo", "region", "zipCodeEng"} & set(fields)
    assert order.billing_address.first_name == "" and order.billing_address.phone == ""


def test_the_organisation_number_sources(acme):
    configured = with_orders(acme, organisation_no_path="billing_address.org_no")
    raw = company_order(org_no="  556000-1111  ")
    order = normalize_order(raw, configured, configured.shop("se"))
    assert order.customer.organisation_no == "556000-1111"
    long = normalize_order(company_order(org_no="1" * 40), configured, configured.shop("se"))
    assert long.customer.organisation_no == "1" * 32
    foreign = normalize_order(company_order(vat_id="DE123456789"), acme, acme.shop("se"))
    assert foreign.customer.organisation_no == "" and foreign.customer.vat_no == "DE123456789"
    taxvat = magento_order(customer_taxvat="SE556677889901")
    taxvat["billing_address"]["company"] = "Fjällvaror AB"
    assert normalize_order(taxvat, acme, acme.shop("se")).customer.organisation_no == "556677-8899"
    no_billing_vat = normalize_order(magento_order(), acme, acme.shop("se"))
    assert no_billing_vat.customer.vat_no == "" and no_billing_vat.customer.organisation_no == ""
    assert normalize_order(
        company_order(vat_id="X" * 40), acme, acme.shop("se")
    ).customer.vat_no == ("X" * 32)


def test_every_field_latin1_cannot_carry_is_recorded_by_name(acme):
    emoji = "🙂"
    raw = company_order(
        firstname=f"Åsa{emoji}",
        lastname=f"Öberg{emoji}",
        telephone=f"031{emoji}",
        city=f"Gbg{emoji}",
    )
    raw["billing_address"].update(
        street=[f"Storgatan{emoji}", f"Lgh{emoji}"], region=f"VG{emoji}", company=f"AB{emoji}"
    )
    shipping = raw["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    shipping.update(
        company=f"Lager{emoji}",
        firstname=f"Bo{emoji}",
        street=[f"Hamngatan{emoji}", f"Port{emoji}"],
        city=f"Mölndal{emoji}",
        region=f"VG{emoji}",
    )
    raw.update(customer_firstname=None, customer_lastname=None, customer_note=f"Tack{emoji}")
    raw["items"][2]["name"] = f"Väska{emoji}"
    order = normalize_order(raw, acme, acme.shop("se"))
    notes = Latin1Notes()
    specter_customer(order, acme, notes)
    specter_order(order, acme, acme.shop("se"), "1", notes)
    assert notes.changed == [
        "customer first name",
        "customer last name",
        "company name",
        "contact person",
        "phone",
        "billing street",
        "billing city",
        "billing region",
        "delivery company",
        "delivery name",
        "delivery street",
        "delivery city",
        "delivery region",
        "row 2 name",
        "order comment",
    ]


def test_the_order_header(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    payload = specter_order(order, acme, acme.shop("se"), "10001", Latin1Notes())
    assert payload.form_fields() == {
        "customerId": "10001",
        "externalOrderNo": "100000041",
        "currency": "SEK",
        "language": "SE",
        "payTypeIdentifier": "K",
        "payTypeReference": "kl-123",
        "customerOrderReference": "100000041",
        "externalDeliveryMethod": "flatrate_flatrate",
    }
    prepaid = normalize_order(magento_order(payment={"method": "checkmo"}), acme, acme.shop("se"))
    fields = specter_order(prepaid, acme, acme.shop("se"), "1", Latin1Notes()).form_fields()
    assert fields["payTypeIdentifier"] == "PP" and fields["isPrepayment"] == "1"


def test_check_payloads_and_as_problem(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    check_payloads(order, acme, acme.shop("se"))  # a good order builds both
    broken = order.model_copy(update={"payment_method": "unknown"})
    with pytest.raises(KeyError):
        check_payloads(broken, acme, acme.shop("se"))
    problem = as_problem(ArithmeticError("overflow\nsecond line"), {"increment_id": "7" * 50})
    assert problem.reason == f"order {'7' * 40} cannot be translated: ArithmeticError: overflow"
    assert problem.fix == (
        "the order in Magento (an extension writing it, or its data); "
        "it is retried when the order changes"
    )
    bare = as_problem(ValueError(), {})
    assert bare.reason == "order ? cannot be translated: ValueError"
    assert as_problem(ValueError("x"), "not a dict").reason.startswith("order ? ")
    same = MappingProblem("r", fix="f")
    assert as_problem(same, {}) is same
    long = as_problem(ValueError("y" * 300), {"increment_id": 5})
    assert long.reason.endswith("y" * 200) and "y" * 201 not in long.reason
    assert long.reason.startswith("order 5 ")


def test_row_prices_and_quantities_as_specter_receives_them(acme):
    raw = magento_order()
    raw["items"][2].update(price=99.9999, qty_ordered=1.5)
    raw["grand_total"] = Decimal("435.75") - Decimal("112.00") + Decimal("168.0")
    order = normalize_order(raw, acme, acme.shop("se"))
    payload = specter_order(order, acme, acme.shop("se"), "1", Latin1Notes())
    duffle = next(r for r in payload.rows if r.articleNo == "24-MB01")
    assert (duffle.priceExclVAT, duffle.noOfItems, duffle.vatPercent) == (
        Decimal("100.000"),
        Decimal("1.5"),
        12,
    )
