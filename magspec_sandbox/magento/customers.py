"""Customers for generated orders: Swedish people and companies, returning and guest buyers.

Names carry å, ä and ö on purpose; a few carry characters Latin-1 cannot hold (emoji, CJK), which
is what breaks a Latin-1 business system downstream.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from magspec_sandbox.magento import assumed

FIRST_NAMES = (
    "Åsa", "Björn", "Märta", "Göran", "Örjan", "Linnéa", "Håkan", "Sören", "Ingrid", "Karl",
    "Elsa", "Maja", "Erik", "Anna", "Lars", "Sofia", "Jönna", "Ängla", "Åke", "Hedvig",
)  # fmt: skip
LAST_NAMES = (
    "Åström", "Öberg", "Lindström", "Bäckman", "Sjögren", "Höglund", "Nyström", "Ekström",
    "Svensson", "Johansson", "Karlsson", "Andersson", "Jönsson", "Wåhlin", "Fröberg",
)  # fmt: skip
STREETS = (
    "Storgatan", "Drottninggatan", "Kungsgatan", "Västra Hamngatan", "Östra Ågatan",
    "Sveavägen", "Götgatan", "Ringvägen", "Åsögatan", "Fältvägen", "Brännkyrkagatan",
)  # fmt: skip
CITIES = (
    ("Stockholm", "111 52"), ("Göteborg", "411 06"), ("Malmö", "211 20"), ("Uppsala", "753 20"),
    ("Västerås", "722 11"), ("Örebro", "702 10"), ("Linköping", "582 24"),
    ("Jönköping", "553 21"), ("Umeå", "903 26"), ("Luleå", "972 31"),
)  # fmt: skip
COMPANIES = (
    "Fjällsport AB", "Ödegårds Friluft AB", "Nordic Trail Handelsbolag",
    "Skärgårdens Cykel & Sport AB", "Bergström Outdoor AB", "Löparbutiken i Umeå AB",
)  # fmt: skip
# Names and streets a Latin-1 system cannot carry; each entry: first name, last name, street.
NON_LATIN1 = (
    ("美咲", "佐藤", None),
    ("Åsa", "Lind 🌲", None),
    ("Björn", "Öberg", "Götgatan 14 🏠"),
    ("Wei", "张", "Kungsgatan 8"),
    ("Zoë", "Øster 🙂", None),
)


@dataclass(frozen=True)
class Customer:
    email: str
    firstname: str
    lastname: str
    street: tuple[str, ...]
    city: str
    postcode: str
    telephone: str
    customer_id: int | None = None  # None: a guest
    group_id: int = assumed.GROUP_GUEST
    company: str | None = None
    vat_id: str | None = None
    country_id: str = "SE"

    @property
    def is_guest(self) -> bool:
        return self.customer_id is None


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass
class CustomerBook:
    """Hands out buyers for orders; registered customers and some guests come back."""

    rng: random.Random
    registered: list[Customer] = field(default_factory=list)
    companies: list[Customer] = field(default_factory=list)
    guests: list[Customer] = field(default_factory=list)
    _next_id: int = 1
    _serial: int = 0

    def _person(self, *, registered: bool, company: bool, non_latin1: bool) -> Customer:
        rng = self.rng
        self._serial += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        if non_latin1:
            first, last, odd_street = rng.choice(NON_LATIN1)
            street = odd_street or street
        city, postcode = rng.choice(CITIES)
        local = f"{_ascii(first) or 'kund'}.{_ascii(last) or self._serial}"
        customer_id = None
        if registered:
            customer_id = self._next_id
            self._next_id += 1
        company_name = vat_id = None
        group = assumed.GROUP_GENERAL if registered else assumed.GROUP_GUEST
        if company:
            company_name = rng.choice(COMPANIES)
            vat_id = f"SE{rng.randint(5560000000, 5599999999)}01"
            local = f"inkop.{_ascii(company_name)[:12]}"
            group = assumed.GROUP_WHOLESALE if registered else group
        return Customer(
            email=f"{local}{self._serial}@example.se",
            firstname=first,
            lastname=last,
            street=(street,),
            city=city,
            postcode=postcode,
            telephone=f"07{rng.randint(0, 9)}-{rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            customer_id=customer_id,
            group_id=group,
            company=company_name,
            vat_id=vat_id,
        )

    def pick(self, *, guest: bool, company: bool, non_latin1: bool, pool_size: int) -> Customer:
        """A buyer; with `non_latin1` always a new one so that the odd characters show."""
        if non_latin1:
            # Kept out of the pools so that they stay the rare buyers they are meant to be.
            return self._person(registered=not guest, company=company, non_latin1=True)
        pool = self.guests if guest else self.companies if company else self.registered
        limit = max(2, pool_size // (5 if company or guest else 1))
        # Returning buyers: once the pool is full, and now and then before, reuse one.
        if pool and (len(pool) >= limit or self.rng.random() < 0.3):
            return self.rng.choice(pool)
        customer = self._person(registered=not guest, company=company, non_latin1=False)
        pool.append(customer)
        return customer
