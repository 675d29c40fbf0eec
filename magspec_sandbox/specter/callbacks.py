"""Callbacks: URL templates a shop registers with `checkAccountSettings`, called on changes.

Specter calls the shop's URL with the placeholders filled in and expects `1;Done` (reference
2.8). Calls run in daemon threads after the change is committed, so a slow or failing receiver
never delays the write's answer; each call is retried with doubling waits and ends in the log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from . import assumed


class CallbackDispatcher:
    """One account's registered templates, its background calls and their log."""

    def __init__(self, first_wait_seconds: float = assumed.CALLBACK_FIRST_WAIT_SECONDS) -> None:
        self.templates: dict[str, str] = {}
        self.log: list[dict[str, Any]] = []
        self._first_wait = first_wait_seconds
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0

    def register(self, templates: Mapping[str, str]) -> None:
        """Set the templates sent; an empty one removes its event, one not sent is kept."""
        with self._lock:
            for event, template in templates.items():
                if template.strip():
                    self.templates[event] = template.strip()
                else:
                    self.templates.pop(event, None)

    def fire(self, event: str, values: Mapping[str, str]) -> None:
        """Call the template registered for `event` (if any) in the background."""
        with self._lock:
            template = self.templates.get(event)
            if template is None:
                return
            url = fill(template, values)
            entry: dict[str, Any] = {
                "event": event,
                "url": url,
                "attempts": 0,
                "answers": [],
                "outcome": "pending",
                "firedAt": datetime.now(UTC).isoformat(),
            }
            self.log.append(entry)
            self._in_flight += 1
        threading.Thread(target=self._call, args=(entry,), daemon=True).start()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no call is in flight; False when `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
            return True

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"registered": dict(self.templates), "log": [dict(e) for e in self.log]}

    def _call(self, entry: dict[str, Any]) -> None:
        wait = self._first_wait
        outcome = "failed"
        try:
            with httpx.Client(timeout=assumed.CALLBACK_TIMEOUT_SECONDS) as http:
                for attempt in range(1 + assumed.CALLBACK_RETRIES):
                    if attempt:
                        time.sleep(wait)
                        wait *= 2
                    answer = _attempt(http, entry["url"])
                    with self._lock:
                        entry["attempts"] = attempt + 1
                        entry["answers"] = [*entry["answers"], answer]
                    if answer.startswith(assumed.CALLBACK_ACK):
                        outcome = "done"
                        break
        finally:
            with self._idle:
                entry["outcome"] = outcome
                self._in_flight -= 1
                self._idle.notify_all()


def _attempt(http: httpx.Client, url: str) -> str:
    try:
        response = http.request(assumed.CALLBACK_METHOD, url)
    except httpx.HTTPError as exc:
        return f"error: {type(exc).__name__}"
    return response.text[:200]


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with `$name` placeholders replaced, longest names first."""
    url = template
    for name in sorted(values, key=len, reverse=True):
        url = url.replace(f"${name}", values[name])
    return url
