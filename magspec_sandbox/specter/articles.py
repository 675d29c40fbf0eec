"""Articles: `newArticleSubmit` batches, staff edits, and the article data change queue."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import assumed
from .accounts import article
from .errors import ActionRefused
from .fields import number_field
from .protocol import Params

if TYPE_CHECKING:
    from .queues import ChangeQueue

# Numeric and text article fields of reference 3.3 (plus the assumed variant grouping), as
# `newArticleSubmit` sends them with `_N` and as staff edit them.
NUMBER_FIELDS = (
    "priceExclVAT",
    "vatPercent",
    "buyPrice",
    "stockPrice",
    "productWeight",
    "productVolume",
    "supplierBuyPrice",
)
TEXT_FIELDS = (
    "name",
    "barCode",
    "manufacturingCountryCode",
    "parentArticleNo",
    "variantAttributes",
)
SUPPLIER_FIELDS = ("supplierNo", "supplierName", "supplierBuyPrice", "supplierArticleNo")
EDITABLE_FIELDS = NUMBER_FIELDS + TEXT_FIELDS + ("supplierNo", "supplierName", "supplierArticleNo")


def article_no_problem(article_no: str) -> str | None:
    """Why `article_no` breaks Specter's number rules, or None when it is fine."""
    if not article_no:
        return "is empty"
    if len(article_no) > assumed.ARTICLE_NO_MAX_LENGTH:
        return f"is longer than {assumed.ARTICLE_NO_MAX_LENGTH} characters"
    if any(char.isspace() for char in article_no):
        return "contains a space"
    if "," in article_no:
        return "contains a comma"
    bad = sorted({char for char in article_no if char in assumed.ARTICLE_NO_FORBIDDEN})
    if bad:
        return "contains " + " ".join(bad)
    return None


class ArticleRegister:
    """Mixin of `AccountState` for the article register."""

    articles: dict[str, dict[str, Any]]
    article_queue: ChangeQueue
    changing: Callable[[], AbstractContextManager[None]]
    _fire: Callable[..., None]
    _article_ids: itertools.count[int]
    _create_stock: Callable[[str, Decimal], None]
    _log: Callable[[str, Params], None]

    def submit_articles(self, params: Params) -> int:
        """`newArticleSubmit`: create or (with forceArticleUpdate) update up to 100 articles.

        Returns the number saved. Any broken rule refuses the whole batch.
        """
        batch = _article_batch(params)
        force = params.flag("forceArticleUpdate")
        with_supplier = params.flag("addSupplier")
        with self.changing():
            for n, fields in batch:
                if fields["articleNo"] not in self.articles and not fields.get("name"):
                    raise ActionRefused(
                        assumed.BAD_FIELD, assumed.bad_field(f"name_{n}", "is required")
                    )
            saved = 0
            for _, fields in batch:
                article_no = fields["articleNo"]
                sent = {
                    name: value
                    for name, value in fields.items()
                    if value is not None
                    and name != "noItemsInStock"
                    and (with_supplier or name not in SUPPLIER_FIELDS)
                }
                if article_no not in self.articles:
                    self._create_article(sent, fields.get("noItemsInStock"))
                    saved += 1
                elif force:
                    self.articles[article_no].update(sent)
                    self._article_changed(article_no)
                    saved += 1
            self._log("newArticleSubmit", params)
            return saved

    def _create_article(self, fields: dict[str, Any], in_stock: Decimal | None) -> None:
        article_no = fields["articleNo"]
        created = article(
            article_no,
            fields.get("name", ""),
            fields.get("priceExclVAT") or Decimal(0),
            assumed.DEFAULT_VAT_PERCENT
            if fields.get("vatPercent") is None
            else fields["vatPercent"],
            Decimal(0),
        )
        created.update({k: v for k, v in fields.items() if v is not None})
        created["specterId"] = str(next(self._article_ids))
        self.articles[article_no] = created
        # Specter owns stock: the shop's figure counts only when the article is created [V S3].
        self._create_stock(article_no, in_stock or Decimal(0))
        self._article_changed(article_no)

    # -- staff: edit an article ------------------------------------------------------------
    def patch_article(self, article_no: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Staff edit an article's data (name, prices, barcode…); returns the article."""
        unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
        if unknown:
            raise ActionRefused(
                assumed.BAD_FIELD, assumed.bad_field(unknown[0], "cannot be edited here")
            )
        values: dict[str, Any] = {}
        for name, value in changes.items():
            if name in NUMBER_FIELDS or name == "supplierBuyPrice":
                try:
                    values[name] = None if value is None else Decimal(str(value))
                except ArithmeticError:
                    raise ActionRefused(
                        assumed.BAD_FIELD, assumed.bad_field(name, f"is not a number: '{value}'")
                    ) from None
            else:
                values[name] = "" if value is None else str(value)
        with self.changing():
            record = self.articles.get(article_no)
            if record is None:
                raise ActionRefused(assumed.UNKNOWN_ARTICLE, assumed.unknown_article(article_no))
            record.update(values)
            self._article_changed(article_no)
            return record

    def _article_changed(self, article_no: str) -> None:
        self.article_queue.mark(article_no)
        self._fire("actionArticleChange", articleNo=article_no)

    def article_snapshot(self, key: Any) -> dict[str, Any]:
        return dict(self.articles.get(key) or article(key, "", Decimal(0), Decimal(0), None))


def _article_batch(params: Params) -> list[tuple[int, dict[str, Any]]]:
    """The numbered articles of one call, validated: (N, fields) for N = 1..first absent."""
    batch: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for n in itertools.count(1):
        name = f"articleNo_{n}"
        if name not in params:
            break
        if n > assumed.MAX_ARTICLES_PER_CALL:
            raise ActionRefused(
                assumed.BAD_FIELD,
                assumed.bad_field(
                    name, f"at most {assumed.MAX_ARTICLES_PER_CALL} articles per call"
                ),
            )
        article_no = params[name].strip()
        problem = article_no_problem(article_no)
        if problem is None and article_no in seen:
            problem = "appears twice in the call"
        if problem is not None:
            raise ActionRefused(assumed.BAD_FIELD, f"Field '{name}' '{article_no}' {problem}")
        seen.add(article_no)
        fields: dict[str, Any] = {"articleNo": article_no}
        for field_name in NUMBER_FIELDS:
            if f"{field_name}_{n}" in params:
                fields[field_name] = number_field(params, f"{field_name}_{n}")
        for field_name in TEXT_FIELDS + ("supplierNo", "supplierName", "supplierArticleNo"):
            if f"{field_name}_{n}" in params:
                fields[field_name] = params.text(f"{field_name}_{n}")
        fields["noItemsInStock"] = number_field(params, f"noItemsInStock_{n}")
        batch.append((n, fields))
    if not batch:
        raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("articleNo_1", "is required"))
    return batch
