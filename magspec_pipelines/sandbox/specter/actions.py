"""The write actions served on `putInfo.asp`: which subject signs each, and who carries it out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import assumed
from .accounts import AccountSpec
from .errors import ActionRefused
from .protocol import Answer, Params, key_matches, request_key
from .state import AccountState, customer_name


@dataclass(frozen=True)
class WriteAction:
    name: str
    subject: Callable[[Params], str]  # the value signed into the MD5 key (reference 2.4)
    run: Callable[[AccountState, Params], tuple[str, str]]  # -> (new id, answer message)


def _customer(state: AccountState, params: Params) -> tuple[str, str]:
    return state.submit_customer(params)


def _order(state: AccountState, params: Params) -> tuple[str, str]:
    return state.submit_order(params), assumed.ORDER_CREATED


def _invoice(state: AccountState, params: Params) -> tuple[str, str]:
    return state.submit_invoice(params), assumed.INVOICE_CREATED


WRITE_ACTIONS: dict[str, WriteAction] = {
    action.name.lower(): action
    for action in (
        WriteAction("newCustomerSubmit", customer_name, _customer),
        WriteAction("newOrderSubmit", lambda p: p.get("customerId", ""), _order),
        WriteAction("newInvoiceSubmit", lambda p: p.get("orderId", ""), _invoice),
    )
}


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


def answer(script: str, params: Params, accounts: Mapping[str, AccountState]) -> Answer:
    """Carry out one request to `script` (lower-cased file name) and return its answer."""
    action_name = params.text("action")
    action = WRITE_ACTIONS.get(action_name.lower()) if script == assumed.WRITE_SCRIPT else None
    if action is None:
        return Answer.failure(assumed.BAD_FIELD, assumed.unknown_action(action_name))
    state = accounts.get(params.text("sbmId"))
    if state is None or not key_accepted(state.spec, params, action.subject(params)):
        return Answer.failure(assumed.INVALID_KEY, assumed.invalid_key())
    try:
        new_id, message = action.run(state, params)
    except ActionRefused as refused:
        return Answer.failure(refused.code, refused.message)
    return Answer.success(new_id, message)
