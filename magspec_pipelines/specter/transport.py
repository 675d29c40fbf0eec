"""Sending Specter's legacy actions: URLs, MD5 keys, Latin-1, the retry policy, answer decoding.

Reads go to `getInfo.asp` as GET with every parameter in the query string; writes to
`putInfo.asp` as POST with the fixed parameters in the query and the payload form-encoded in the
body. Reads and acknowledgements may be repeated when their answer is lost; writes never are
(`OutcomeUnknown`), only failures that prove the request was not taken on are retried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx

from magspec_pipelines.http import (
    CallPolicy,
    CallStats,
    CircuitBreaker,
    CircuitOpen,
    OutcomeUnknown,
    RemoteUnavailable,
    RetryPolicy,
)
from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.answers import parse_answer
from magspec_pipelines.specter.codec import encode_form, latin1
from magspec_pipelines.specter.errors import SpecterError, SpecterTransientError
from magspec_pipelines.specter.keys import key_v1, key_v2

READ_SCRIPT = "getInfo.asp"
WRITE_SCRIPT = "putInfo.asp"
TEXT_ANSWERS = "1"  # useXML=1: answers as `result;id;message` text, as S1 uses on writes
XML_ANSWERS = "2"

Query = list[tuple[str, str]]


@dataclass(frozen=True)
class SpecterCredentials:
    """One Specter account's API secrets; they never appear in repr or error text.

    API v2 (from Aug 2020, required for multishop): `api_user_key` and `integration_key`.
    API v1: `md5_key1` and `md5_key2` in the same slots of the same key formula.
    """

    sbm_id: str
    api_user_id: str = ""
    api_user_key: str = field(default="", repr=False)
    integration_key: str = field(default="", repr=False)
    api_version: int = 2
    md5_key1: str = field(default="", repr=False)
    md5_key2: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.api_version == 2:
            if not (self.api_user_key and self.integration_key):
                raise ValueError("API v2 needs api_user_key and integration_key")
        elif self.api_version == 1:
            if not (self.md5_key1 and self.md5_key2):
                raise ValueError("API v1 needs md5_key1 and md5_key2")
        else:
            raise ValueError(f"unknown Specter API version {self.api_version}")

    def key(self, subject: str) -> str:
        if self.api_version == 1:
            return key_v1(self.md5_key1, self.md5_key2, self.sbm_id, subject)
        return key_v2(self.api_user_key, self.integration_key, self.sbm_id, subject)


def decode_answer(content: bytes, charset: str | None) -> str:
    """An answer's text. Latin-1 (or no charset) is read with Windows-1252's characters in
    0x80-0x9F: Latin-1 has invisible control codes there, while an ASP page written on Windows
    means `€`, `–`, `”`... Bytes Windows-1252 leaves undefined keep their Latin-1 reading."""
    name = (charset or "latin-1").strip().lower()
    if name not in _LATIN1_NAMES:
        try:
            return content.decode(name, "replace")
        except LookupError:
            pass
    return content.decode("latin-1").translate(_WINDOWS_1252_C1)


_LATIN1_NAMES = frozenset(
    {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "cp1252", "windows-1252"}
)
_WINDOWS_1252_C1 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if bytes([code]).decode("cp1252", errors="ignore")
}


def utc_today() -> date:
    return datetime.now(UTC).date()


class SpecterTransport:
    """One account's connection: signs, encodes and sends actions, and decodes the answers."""

    def __init__(
        self,
        base_url: str,
        credentials: SpecterCredentials,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_concurrency: int = 4,
        breaker: CircuitBreaker | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.credentials = credentials
        self.today = today
        self.policy = CallPolicy(
            retry=retry,
            breaker=breaker or CircuitBreaker(name="specter"),
            max_concurrency=max_concurrency,
        )
        self.http = httpx.Client(
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency),
        )

    @property
    def stats(self) -> CallStats:
        return self.policy.stats

    # -- parameters ----------------------------------------------------------------------------
    def signed(
        self,
        action: str,
        subject: str,
        *,
        action_param: str = "action",
        use_xml: str | None = TEXT_ANSWERS,
        webshop_id: str | None = None,
    ) -> Query:
        """The fixed parameters every action starts with, signed over `subject`."""
        query = [(action_param, action), ("sbmId", self.credentials.sbm_id)]
        if self.credentials.api_user_id:
            query.append(("apiUserId", self.credentials.api_user_id))
        if use_xml is not None:
            query.append(("useXML", use_xml))
        if webshop_id:
            query.append(("webshopId", webshop_id))
        query.append(("key", self.credentials.key(latin1(subject))))
        return query

    def dated(self, action: str, *, use_xml: str | None = TEXT_ANSWERS) -> Query:
        """Fixed parameters signed with today's date, which also travels as `date=`."""
        today = self.today().strftime(assumed.DATE_FORMAT)
        return [*self.signed(action, today, use_xml=use_xml), ("date", today)]

    # -- sending ------------------------------------------------------------------------------
    def get(
        self,
        action: str,
        query: Sequence[tuple[str, str]],
        *,
        idempotent: bool,
        script: str = READ_SCRIPT,
    ) -> str:
        """GET `script` and return the decoded answer text (data or failure)."""
        request = self.http.build_request("GET", self._url(script, query))
        return self._send(action, request, idempotent)

    def post(self, action: str, query: Query, body: Sequence[tuple[str, str]]) -> str:
        """POST a write to `putInfo.asp`; returns the new id of a `1;<id>;…` answer."""
        request = self.http.build_request(
            "POST",
            self._url(WRITE_SCRIPT, query),
            content=encode_form(body).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return parse_answer(self._send(action, request, idempotent=False)).raise_for_failure(action)

    def get_answer(
        self,
        action: str,
        query: Sequence[tuple[str, str]],
        *,
        idempotent: bool,
        script: str = READ_SCRIPT,
    ) -> str:
        """GET an action that answers `result;id;message`; returns the id."""
        text = self.get(action, query, idempotent=idempotent, script=script)
        return parse_answer(text).raise_for_failure(action)

    def _url(self, script: str, query: Sequence[tuple[str, str]]) -> str:
        # Built by hand: httpx would percent-encode the query as UTF-8.
        return f"{self.base}/{script}?{encode_form(query)}"

    def _send(self, action: str, request: httpx.Request, idempotent: bool) -> str:
        try:
            response = self.policy.send(self.http, request, endpoint=action, idempotent=idempotent)
        except (CircuitOpen, RemoteUnavailable) as exc:
            raise SpecterTransientError(str(exc), action=action) from exc
        except OutcomeUnknown:
            raise
        status = response.status_code
        if status == 200:
            return decode_answer(response.content, response.charset_encoding)
        if status in (429, 502, 503, 504):
            raise SpecterTransientError(f"HTTP {status} after retries", action=action)
        if status >= 500:
            if idempotent:
                raise SpecterTransientError(f"HTTP {status}", action=action)
            # Protocol answers come with 200 (an assumption, see assumed.py); a server error
            # means the script stopped somewhere, perhaps after committing the write.
            raise OutcomeUnknown(action, f"HTTP {status}")
        raise SpecterError(f"HTTP {status}: {response.text[:200]}", action=action)

    def close(self) -> None:
        self.http.close()
