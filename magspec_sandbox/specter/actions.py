"""The actions served on `putInfo.asp` and `getInfo.asp`: which subject signs each, and who
carries it out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from . import assumed, feeds, reads
from .accounts import AccountSpec
from .errors import ActionRefused
from .fields import customer_name
from .protocol import Answer, Document, Line, Params, key_matches, request_key
from .state import AccountState

Reply = Answer | Document | Line
Run = Callable[[AccountState, Params, str], Reply]  # (state, params, base URL) -> answer


@dataclass(frozen=True)
class Action:
    name: str
    script: str
    subject: Callable[[Params], str]  # the value signed into the MD5 key (reference 2.4)
    run: Run
    dated: bool = False  # the subject is a date that must be today or yesterday
    assumed_read: bool = False  # absent when the account is built with assumed_reads=False


def _date(params: Params) -> str:
    return params.text("date")


def _batch_or_date(params: Params) -> str:
    return params.text("batchNo") or params.text("date")


def _simple(run: Callable[[AccountState, Params], Reply]) -> Run:
    return lambda state, params, base_url: run(state, params)


def _write(run: Callable[[AccountState, Params], str | tuple[str, str]], message: str = "") -> Run:
    def answer(state: AccountState, params: Params, base_url: str) -> Reply:
        result = run(state, params)
        if isinstance(result, tuple):
            return Answer.success(*result)
        return Answer.success(result, message)

    return answer


W, R = assumed.WRITE_SCRIPT, assumed.READ_SCRIPT
_ACTIONS = (
    Action("newCustomerSubmit", W, customer_name, _write(AccountState.submit_customer)),
    Action(
        "newOrderSubmit",
        W,
        lambda p: p.text("customerId"),
        _write(AccountState.submit_order, assumed.ORDER_CREATED),
    ),
    Action(
        "newInvoiceSubmit",
        W,
        lambda p: p.text("orderId"),
        _write(AccountState.submit_invoice, assumed.INVOICE_CREATED),
    ),
    Action(
        "newArticleSubmit",
        W,
        lambda p: p.text("articleNo_1"),
        _write(lambda s, p: str(s.submit_articles(p)), assumed.ARTICLES_SAVED),
    ),
    Action(
        "newDeliverySubmit",
        W,
        lambda p: p.text("orderId"),
        _write(AccountState.submit_delivery, assumed.DELIVERY_CREATED),
    ),
    Action("getArticleExternalNeedUpdate", R, feeds.batch_no_text, _simple(feeds.stock_changes)),
    Action(
        "getArticleInfoExternalNeedUpdate", R, feeds.batch_no_text, _simple(feeds.article_changes)
    ),
    Action("getOrdersExternalNeedUpdate", R, feeds.batch_no_text, _simple(feeds.order_changes)),
    Action(
        "updateArticlesFromBatch",
        R,
        feeds.batch_no_text,
        _simple(feeds.acknowledge(lambda s: s.stock_queue)),
    ),
    Action(
        "updateArticleInfosFromBatch",
        R,
        feeds.batch_no_text,
        _simple(feeds.acknowledge(lambda s: s.article_queue)),
    ),
    Action(
        "updateOrdersFromBatch",
        R,
        feeds.batch_no_text,
        _simple(feeds.acknowledge(lambda s: s.order_queue)),
    ),
    Action(
        "clearArticleBatch",
        R,
        _batch_or_date,
        _simple(feeds.clear_stock_batch),
    ),
    Action("checkAccountSettings", R, _date, _simple(reads.check_account_settings), dated=True),
    Action(
        "getPDFLink",
        R,
        lambda p: "getPDFLink" + p.text("documentId"),
        lambda state, params, base_url: reads.pdf_link(base_url)(state, params),
    ),
    Action("getStockSites", R, _date, _simple(reads.stock_sites), dated=True),
    Action("getWebshops", R, _date, _simple(reads.webshops), dated=True),
    Action("getPriceLists", R, _date, _simple(reads.price_lists), dated=True),
    Action("getPriceListPrices", R, _date, _simple(reads.price_list_prices), dated=True),
    Action("getAccountModules", R, _date, _simple(reads.account_modules), dated=True),
    Action("getInvoiceStatus", R, _date, _simple(reads.invoice_status), dated=True),
)
# Which reads are assumed (absent from an account built without them) is said once, in assumed.py.
_ACTIONS = tuple(
    dataclasses.replace(a, assumed_read=a.name in assumed.ASSUMED_READS) for a in _ACTIONS
)
ACTIONS: dict[tuple[str, str], Action] = {(a.script, a.name.lower()): a for a in _ACTIONS}


def key_accepted(spec: AccountSpec, params: Params, subject: str) -> bool:
    """Whether `key` signs `subject` with one of the account's key versions (v2, then v1)."""
    sent = params.get("key", "").strip()
    api_user_id = params.text("apiUserId")
    if api_user_id and api_user_id != (spec.api_user_id or ""):
        return False
    if not api_user_id and not assumed.API_USER_ID_OPTIONAL:
        return False
    return any(
        key_matches(sent, request_key(outer, inner, spec.sbm_id, subject))
        for outer, inner in spec.key_pairs()
    )


def _date_accepted(state: AccountState, sent: str) -> bool:
    today = state.today()
    accepted = {
        (today - timedelta(days=back)).isoformat()
        for back in range(assumed.DATE_SUBJECT_DAYS_BACK + 1)
    }
    return sent in accepted


def answer(
    script: str, params: Params, accounts: Mapping[str, AccountState], base_url: str = ""
) -> Reply:
    """Carry out one request to `script` (lower-cased file name) and return its answer."""
    action_name = params.text("action")
    action = ACTIONS.get((script, action_name.lower()))
    state = accounts.get(params.text("sbmId"))
    if action is not None and action.assumed_read and state and not state.spec.assumed_reads:
        action = None
    if action is None:
        return Answer.failure(assumed.BAD_FIELD, assumed.unknown_action(action_name))
    if state is None:
        return Answer.failure(assumed.INVALID_KEY, assumed.invalid_key())
    subject = action.subject(params)
    dated = action.dated or (action.name == "clearArticleBatch" and not params.text("batchNo"))
    if dated and not _date_accepted(state, subject):
        return Answer.failure(assumed.INVALID_KEY, assumed.invalid_key())
    if not key_accepted(state.spec, params, subject):
        return Answer.failure(assumed.INVALID_KEY, assumed.invalid_key())
    try:
        return action.run(state, params, base_url)
    except ActionRefused as refused:
        return Answer.failure(refused.code, refused.message)
