"""Text bound for Specter: Latin-1 on the wire, with a record of what had to change."""

from __future__ import annotations

from magspec_pipelines.specter.codec import to_latin1


class Latin1Notes:
    """Converts text to what Latin-1 can carry and remembers which fields it changed, so the
    order's record says that, say, the customer's name lost an emoji on its way to Specter."""

    def __init__(self) -> None:
        self.changed: list[str] = []

    def text(self, field: str, value: str) -> str:
        converted, changed = to_latin1(value)
        if changed and field not in self.changed:
            self.changed.append(field)
        return converted

    def summary(self) -> str:
        if not self.changed:
            return ""
        return "transliterated for Latin-1: " + ", ".join(self.changed)
