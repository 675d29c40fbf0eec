"""The sandbox's errors: a refused action (answered on the wire) and misuse of the Python API."""

from __future__ import annotations


class SpecterSandboxError(Exception):
    """Base of every error the Specter sandbox raises."""


class ActionRefused(SpecterSandboxError):
    """Specter refuses the action: answered as `0;<code>;<message>` and nothing is written."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UnknownAccount(SpecterSandboxError, KeyError):
    """No account with this sbmId is served by the sandbox."""

    def __init__(self, sbm_id: str) -> None:
        super().__init__(sbm_id)
        self.sbm_id = sbm_id

    def __str__(self) -> str:
        return f"no Specter account with sbmId {self.sbm_id!r}"


class InvalidAccountSpec(SpecterSandboxError, ValueError):
    """An account cannot be served as specified (e.g. no credentials at all)."""


class BatchStillOpen(SpecterSandboxError):
    """A change queue was asked for a new batch while an earlier one is not acknowledged."""

    def __init__(self, open_batch_no: str) -> None:
        super().__init__(f"batch {open_batch_no!r} is still open")
        self.open_batch_no = open_batch_no
