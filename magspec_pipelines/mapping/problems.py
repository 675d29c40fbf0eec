"""Why a record cannot be translated, and where the fix lies."""

from __future__ import annotations


class MappingProblem(Exception):
    """A record that cannot be synced as it is. `fix` names what to change: a config path or
    the data in the source system."""

    def __init__(self, reason: str, *, fix: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix
