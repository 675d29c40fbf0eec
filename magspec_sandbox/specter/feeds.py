"""The three change feeds on `getInfo.asp`: fetching a batch, acknowledging it, resetting stock.

Bodies follow reference 2.5 and the agreed contract: stock as CR-separated text or XML per
stock site, article data and order status as XML, numbers with a decimal comma.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as esc
from xml.sax.saxutils import quoteattr

from . import assumed
from .errors import ActionRefused, BatchStillOpen
from .protocol import Answer, Document, Params, swedish_number
from .queues import Batch, ChangeQueue

if TYPE_CHECKING:
    from .state import AccountState

Reply = Answer | Document


def batch_no(params: Params) -> str:
    value = params.text("batchNo")
    if not re.fullmatch(assumed.BATCH_NO_PATTERN, value):
        raise ActionRefused(
            assumed.BAD_FIELD,
            assumed.bad_field("batchNo", f"must be 1 to 32 hex digits, not '{value}'"),
        )
    return value


def _fetch(
    state: AccountState,
    queue: ChangeQueue,
    params: Params,
    snapshot: Callable[[Any], Any],
    include: Callable[[Any], bool] = lambda key: True,
) -> Batch:
    with state.lock:
        return queue.fetch(batch_no(params), state.spec.response_max_limit, snapshot, include)


def _open_batch_refusal(exc: BatchStillOpen) -> Answer:
    return Answer.failure(assumed.OPEN_BATCH, assumed.open_batch(exc.open_batch_no))


def stock_changes(state: AccountState, params: Params) -> Reply:
    """`getArticleExternalNeedUpdate`: plain rows of the default site, or XML per site."""
    multiple = params.flag("getMultipleStocksites") or params.text("useXML") == assumed.XML_MODE
    default_site = state.spec.default_stock_site
    try:
        batch = _fetch(
            state,
            state.stock_queue,
            params,
            state.stock_snapshot,
            (lambda key: True) if multiple else (lambda key: key[0] == default_site),
        )
    except BatchStillOpen as exc:
        return _open_batch_refusal(exc)
    if not multiple:
        rows = [
            f"{item['specterId']};{item['articleNo']};{_quantity(item['available'])};"
            f"{batch.batch_no}"
            for item in batch.items
            if item["stockSiteId"] == default_site
        ]
        return Document("\r".join(rows), xml=False)
    by_site: dict[str, list[str]] = {}
    for item in batch.items:
        by_site.setdefault(item["stockSiteId"], []).append(
            f"<article><articleNo>{esc(item['articleNo'])}</articleNo>"
            f"<noItemsAv>{_quantity(item['available'])}</noItemsAv>"
            f"<onHand>{swedish_number(item['onHand'])}</onHand></article>"
        )
    stocks = "".join(
        f"<stock stockSiteId={quoteattr(site)}><articles>{''.join(articles)}</articles></stock>"
        for site, articles in by_site.items()
    )
    return Document(
        f"<stockChanges>{_limit(state)}{stocks}</stockChanges>",
    )


def _quantity(available: Decimal) -> str:
    if available <= 0:
        return assumed.NO_ITEMS_AVAILABLE
    return swedish_number(available)


def _limit(state: AccountState) -> str:
    return f"<responseMaxLimit>{state.spec.response_max_limit}</responseMaxLimit>"


def article_changes(state: AccountState, params: Params) -> Reply:
    """`getArticleInfoExternalNeedUpdate`: article data as XML attributes and elements."""
    try:
        batch = _fetch(state, state.article_queue, params, state.article_snapshot)
    except BatchStillOpen as exc:
        return _open_batch_refusal(exc)
    articles = "".join(_article_xml(item) for item in batch.items)
    return Document(f"<articles>{_limit(state)}{articles}</articles>")


def _article_xml(item: dict[str, Any]) -> str:
    attributes = {
        "buyPrice": swedish_number(item["buyPrice"] or 0, 2),
        "priceExclVat": swedish_number(item["priceExclVAT"] or 0, 2),
        "barCode": item["barCode"],
        "productWeight": swedish_number(item["productWeight"] or 0, 3),
        "vatPercent": swedish_number(item["vatPercent"]),
        "parentArticleNo": item["parentArticleNo"],
        "variantAttributes": item["variantAttributes"],
    }
    attrs = "".join(f" {name}={quoteattr(str(value))}" for name, value in attributes.items())
    return (
        f"<article{attrs}><articleNo>{esc(item['articleNo'])}</articleNo>"
        f"<name>{esc(item['name'])}</name></article>"
    )


def order_changes(state: AccountState, params: Params) -> Reply:
    """`getOrdersExternalNeedUpdate`: order status, deliveries and `moreInfoToFetch`."""
    try:
        batch = _fetch(state, state.order_queue, params, state.order_snapshot)
    except BatchStillOpen as exc:
        return _open_batch_refusal(exc)
    orders = "".join(_order_xml(item) for item in batch.items)
    more = "1" if batch.more else "0"
    return Document(
        f"<response><orders>{orders}</orders><moreInfoToFetch>{more}</moreInfoToFetch></response>"
    )


def _order_xml(order: dict[str, Any]) -> str:
    deliveries = "".join(
        f"<delivery deliveryNo={quoteattr(d['deliveryNo'])} trackingNo={quoteattr(d['trackingNo'])}"
        f" deliveryDate={quoteattr(d['deliveryDate'])}"
        f" deliveryMethod={quoteattr(d['deliveryMethod'])}>"
        + "".join(
            f"<row articleNo={quoteattr(row['articleNo'])}"
            f" noOfItems={quoteattr(swedish_number(row['noOfItems']))}/>"
            for row in d["rows"]
        )
        + "</delivery>"
        for d in order["deliveries"]
    )
    updated = "1" if order["deliveriesUpdated"] else "0"
    return (
        f"<order orderNo={quoteattr(order['orderNo'])}"
        f" externalOrderNo={quoteattr(order['externalOrderNo'])}"
        f" invoiceNo={quoteattr(order['invoiceNo'] or '')}>"
        f"<orderstatus deliveryStatus={quoteattr(order['deliveryStatus'])}"
        f" statusId={quoteattr(order['statusId'])} paid={quoteattr('1' if order['paid'] else '0')}/>"
        f'<deliveries updated="{updated}">{deliveries}</deliveries></order>'
    )


def acknowledge(queue_of: Callable[[AccountState], ChangeQueue]) -> Callable[..., Reply]:
    """`update…FromBatch`: acknowledge a batch; unknown or repeated batches answer success."""

    def run(state: AccountState, params: Params) -> Reply:
        number = batch_no(params)
        with state.lock:
            queue = queue_of(state)
            done = queue.acknowledge(number)
            if queue is state.order_queue:
                state.orders_acknowledged(done)
        return Answer.success(number, assumed.BATCH_UPDATED)

    return run


def clear_stock_batch(state: AccountState, params: Params) -> Reply:
    """`clearArticleBatch&clearSelf=1` ("Resync stock")."""
    if not params.flag("clearSelf"):
        raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("clearSelf", "must be 1"))
    state.resync_stock()
    return Answer.success("0", assumed.DONE)


def batch_no_text(params: Params) -> str:
    """The key subject of the batch actions: the batchNo as sent."""
    return params.text("batchNo")
