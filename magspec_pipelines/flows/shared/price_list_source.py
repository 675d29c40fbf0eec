"""Where price lists come from: Specter's price-list reads, or, for an account without them,
the export files staff drop in the tenant's price-list folder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from magspec_pipelines.domain.pricing import PriceListPrice
from magspec_pipelines.flows.shared.pricing_assumed import PRICE_LIST_FILE_SUFFIXES
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import PriceListFileError, SpecterUnsupported
from magspec_pipelines.specter.pricelist_file import parse_price_list_export
from magspec_pipelines.tenancy import Tenant

API = "Specter price-list reads"


class PriceListUnavailable(Exception):
    """A price list neither the account nor the folder provides; `fix` says what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass
class PriceLists:
    """The rows and currencies of the price lists a run needs, and where they came from."""

    rows: dict[str, list[PriceListPrice]] = field(default_factory=dict)
    currency: dict[str, str | None] = field(default_factory=dict)
    missing: dict[str, PriceListUnavailable] = field(default_factory=dict)
    origin: str = API


def price_list_folder(tenant: Tenant, registry_dir: Path) -> Path | None:
    if tenant.pricing.price_list_folder is None:
        return None
    folder = Path(tenant.pricing.price_list_folder)
    return folder if folder.is_absolute() else registry_dir / folder


def read_price_lists(
    tenant: Tenant,
    specter: SpecterClient,
    list_ids: Iterable[str],
    registry_dir: Path,
    config_path: str,
) -> PriceLists:
    """Rows per list id, from the API; from the folder when the account answers "unknown
    action" (`SpecterUnsupported`)."""
    wanted = sorted(set(list_ids))
    out = PriceLists()
    try:
        known = {p.price_list_id: p for p in specter.price_lists()}
    except SpecterUnsupported:
        return _from_folder(tenant, wanted, registry_dir, config_path)
    for list_id in wanted:
        if list_id not in known:
            out.missing[list_id] = PriceListUnavailable(
                f"Specter has no price list {list_id!r} "
                f"(it has {', '.join(sorted(known)) or 'none'})",
                config_path,
            )
            continue
        out.rows[list_id] = list(specter.price_list_prices(list_id))
        out.currency[list_id] = known[list_id].currency
    return out


def _from_folder(
    tenant: Tenant, wanted: list[str], registry_dir: Path, config_path: str
) -> PriceLists:
    folder = price_list_folder(tenant, registry_dir)
    out = PriceLists(origin=f"export files in {folder}" if folder else "export files")
    fix = (
        f"{config_path.split(':')[0]}: pricing.price_list_folder (set it, and drop Specter's "
        "price-list export there)"
    )
    if folder is None or not folder.is_dir():
        for list_id in wanted:
            out.missing[list_id] = PriceListUnavailable(
                "the Specter account has no price-list reads and no export file folder is set"
                if folder is None
                else f"the price-list folder {folder} does not exist",
                fix,
            )
        return out
    files = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in PRICE_LIST_FILE_SUFFIXES),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    for path in files:
        try:
            rows = parse_price_list_export(path.read_bytes())
        except PriceListFileError as exc:
            for list_id in wanted:
                out.missing.setdefault(
                    list_id,
                    PriceListUnavailable(f"{path.name}: {exc}", f"fix or replace {path}"),
                )
            continue
        by_list: dict[str, list[PriceListPrice]] = {}
        for row in rows:
            by_list.setdefault(row.price_list_id, []).append(row)
        # The newer file of the same list wins (files are read oldest first).
        for list_id, list_rows in by_list.items():
            out.rows[list_id] = list_rows
            out.currency[list_id] = next((r.currency for r in list_rows if r.currency), None)
            out.missing.pop(list_id, None)
    for list_id in wanted:
        if list_id not in out.rows and list_id not in out.missing:
            out.missing[list_id] = PriceListUnavailable(
                f"no export file in {folder} carries price list {list_id!r}",
                f"export price list {list_id} from Specter into {folder}",
            )
    return out
