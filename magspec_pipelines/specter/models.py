"""Specter's write payloads, field for field as the legacy form protocol names them.

Field names keep Specter's spelling (`surName`, `zipCodeEng`, `deliveryregion`, ...). Values are
already-final strings or decimals; the client only encodes them (Latin-1, numbered rows).
Empty values are not sent.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def form_fields(self) -> dict[str, str]:
        """Header fields to send, in declaration order, empty values left out."""
        out: dict[str, str] = {}
        for name, value in self:
            if name == "rows" or value is None or value == "":
                continue
            out[name] = _format(value)
        return out


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class SpecterCustomer(_Payload):
    """`newCustomerSubmit` body (reference 3.1)."""

    customerOrganizationalForm: str  # C company, P person
    currency: str = ""
    language: str = ""
    firstName: str = ""
    surName: str = ""
    name: str = ""
    contactPerson: str = ""
    orgNo: str = ""
    vatNo: str = ""
    customerGroupId: str = ""
    emailAddress: str = ""
    phoneNo: str = ""
    mobileNo: str = ""
    address: str = ""
    addressRow2: str = ""
    zipCodeEng: str = ""
    city: str = ""
    countryCode: str = ""
    region: str = ""
    deliveryCompanyName: str = ""
    deliveryAttention: str = ""
    deliveryAddress: str = ""
    deliveryAddressRow2: str = ""
    deliveryZipCodeEng: str = ""
    deliveryCity: str = ""
    deliveryCountryCode: str = ""
    deliveryregion: str = ""
    ignoreControlEmail: bool | None = None
    ignoreControlOrgNo: bool | None = None
    # Assumed field (assumed.EXTERNAL_CUSTOMER_NO_FIELD): sent only when a tenant opts in.
    externalCustomerNo: str = ""

    @property
    def key_subject(self) -> str:
        """The MD5 key's subject: the company name, or "first last", double spaces collapsed."""
        raw = (
            self.name
            if self.customerOrganizationalForm == "C"
            else (f"{self.firstName} {self.surName}")
        )
        return " ".join(raw.split())


class SpecterOrderRow(_Payload):
    articleNo: str
    articleName: str = ""
    articleComment: str = ""
    priceExclVAT: Decimal
    noOfItems: Decimal
    vatPercent: int


class SpecterOrder(_Payload):
    """`newOrderSubmit` header and rows (reference 3.2). `webshopId` travels in the query."""

    customerId: str
    externalOrderNo: str
    currency: str = ""
    language: str = ""
    stocksiteid: str = ""
    payTypeIdentifier: str = ""
    payTypeReference: str = ""
    isPrepayment: bool | None = None
    customerOrderReference: str = ""
    internalComment: str = ""
    publishedComment: str = ""
    externalDeliveryMethod: str = ""
    sendOrderMail: bool | None = None
    rows: list[SpecterOrderRow]

    def row_fields(self) -> list[dict[str, str]]:
        return [row.form_fields() for row in self.rows]


class SpecterArticle(_Payload):
    """One article of `newArticleSubmit` (reference 3.3); numbered `_N` fields on the wire.

    `noItemsInStock` counts only when Specter creates the article: Specter owns stock.
    `parentArticleNo` and `variantAttributes` are assumed fields (see assumed.py).
    """

    articleNo: str
    name: str = ""
    priceExclVAT: Decimal | None = None
    vatPercent: int | None = None
    buyPrice: Decimal | None = None
    stockPrice: Decimal | None = None
    barCode: str = ""
    productWeight: Decimal | None = None
    productVolume: Decimal | None = None
    createArticleStock: bool | None = None
    noItemsInStock: Decimal | None = None
    supplierNo: str = ""
    supplierName: str = ""
    supplierBuyPrice: Decimal | None = None
    supplierArticleNo: str = ""
    manufacturingCountryCode: str = ""
    parentArticleNo: str = ""
    variantAttributes: dict[str, str] = {}

    @property
    def has_supplier(self) -> bool:
        return bool(self.supplierNo or self.supplierName or self.supplierArticleNo)
