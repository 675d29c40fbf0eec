"""A valid tenant entry (the registry's documented example) to vary per test."""

from __future__ import annotations

import copy
from typing import Any

ACME: dict[str, Any] = {
    "id": "acme",
    "name": "ACME Outdoor AB",
    "mode": "erp",
    "package": "400",
    "timezone": "Europe/Stockholm",
    "magento": {
        "base_url": "http://127.0.0.1:8781/acme",
        "token_env": "MAGSPEC_ACME_MAGENTO_TOKEN",
    },
    "specter": {
        "base_url": "http://127.0.0.1:8782",
        "sbm_id": "1001",
        "api_user_id": "7",
        "api_version": 2,
        "api_user_key_env": "MAGSPEC_ACME_SPECTER_API_USER_KEY",
        "integration_key_env": "MAGSPEC_ACME_SPECTER_INTEGRATION_KEY",
    },
    "shops": [
        {
            "code": "se",
            "store_code": "se",
            "website": "se",
            "currency": "SEK",
            "language": "SE",
            "webshop_id": "1",
        }
    ],
    "orders": {
        "trigger_statuses": ["processing"],
        "document": "order",
        "payment_methods": {"checkmo": "PP", "klarna_kp": "K"},
        "shipping_article": "FRAKT",
        "discount_article": "RABATT",
        "start_date": "2026-11-01",
    },
    "cron": {"orders": "*/15 * * * *"},
    # erp on package 400 runs the order status flow, which needs a callback secret.
    "order_status": {"callback_secret_env": "MAGSPEC_ACME_CALLBACK_SECRET"},
    "plugins": [],
}


def tenant_entry(tenant_id: str = "acme", **changes: Any) -> dict[str, Any]:
    """The ACME entry under another id, with top-level keys replaced by `changes`."""
    entry = copy.deepcopy(ACME)
    entry["id"] = tenant_id
    entry.update(changes)
    return entry


def second_shop(**changes: Any) -> dict[str, Any]:
    shop = {
        "code": "no",
        "store_code": "no",
        "website": "no",
        "currency": "NOK",
        "language": "NO",
        "webshop_id": "2",
    }
    shop.update(changes)
    return shop
