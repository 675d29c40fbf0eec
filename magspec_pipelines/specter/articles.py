"""Articles for `newArticleSubmit`: Specter's article-number rules and the numbered form fields.

Specter refuses article numbers with Swedish letters, `& % ¤ # €`, spaces or commas [V S6]; the
client checks them before sending anything, so one bad number cannot cost a half-sent catalog.
"""

from __future__ import annotations

from collections.abc import Sequence

from magspec_pipelines.domain import batches
from magspec_pipelines.specter import assumed, decimals
from magspec_pipelines.specter.errors import SpecterInvalidArticleNo, SpecterValidationError
from magspec_pipelines.specter.models import SpecterArticle

_PRICE_FIELDS = ("priceExclVAT", "buyPrice", "stockPrice", "supplierBuyPrice")


def check_article_no(article_no: str) -> str | None:
    """Why Specter would refuse `article_no`, or None when it is acceptable."""
    if not article_no:
        return "is empty"
    if len(article_no) > assumed.ARTICLE_NO_MAX_LENGTH:
        return f"is longer than {assumed.ARTICLE_NO_MAX_LENGTH} characters"
    for char in article_no:
        if char in assumed.ARTICLE_NO_FORBIDDEN:
            return f"contains {char!r}"
        if char == ",":
            return "contains a comma"
        if char.isspace():
            return "contains a space"
        if ord(char) > 255:
            # Latin-1 would change it on the wire: the number Specter stores would differ.
            return f"contains {char!r}, which Latin-1 cannot carry"
        if ord(char) < 32 or 127 <= ord(char) < 160:
            return "contains a control character"
    return None


def check_articles(articles: Sequence[SpecterArticle]) -> None:
    """Raise `SpecterInvalidArticleNo` naming every bad or repeated number."""
    invalid: dict[str, str] = {}
    seen: set[str] = set()
    for article in articles:
        number = article.articleNo
        reason = check_article_no(number)
        if reason is None and number in seen:
            reason = "appears more than once"
        if reason is not None:
            invalid.setdefault(number, reason)
        seen.add(number)
    if invalid:
        raise SpecterInvalidArticleNo(invalid, action="newArticleSubmit")


def chunks(articles: Sequence[SpecterArticle]) -> list[list[SpecterArticle]]:
    """The articles cut into `newArticleSubmit` calls of at most ARTICLES_PER_CALL."""
    return batches.chunks(articles, assumed.ARTICLES_PER_CALL)


def batch_body(articles: Sequence[SpecterArticle], force_update: bool) -> list[tuple[str, str]]:
    """The form body of one call: the flags, then every article's fields numbered from 1."""
    body = [
        ("forceArticleUpdate", "1" if force_update else "0"),
        ("addSupplier", "1" if any(a.has_supplier for a in articles) else "0"),
    ]
    for number, article in enumerate(articles, start=1):
        body.extend((f"{name}_{number}", value) for name, value in article_fields(article))
    return body


def article_fields(article: SpecterArticle) -> list[tuple[str, str]]:
    fields = article.form_fields()
    fields.pop("variantAttributes", None)
    for name in _PRICE_FIELDS:
        value = getattr(article, name)
        if value is not None:
            fields[name] = decimals.fixed(value, assumed.PRICE_DECIMALS)
    if article.productWeight is not None:
        fields["productWeight"] = decimals.fixed(article.productWeight, assumed.WEIGHT_DECIMALS)
    if article.productVolume is not None:
        fields["productVolume"] = decimals.fixed(article.productVolume, assumed.VOLUME_DECIMALS)
    if article.noItemsInStock is not None:
        fields["noItemsInStock"] = decimals.plain(article.noItemsInStock)
        if article.createArticleStock is None:
            # S1 sends the initial stock together with the flag that asks for it.
            fields["createArticleStock"] = "1"
    if article.variantAttributes:
        fields["variantAttributes"] = ";".join(
            f"{name}={value}" for name, value in article.variantAttributes.items()
        )
    return list(fields.items())


def refused_article_no(
    error: SpecterValidationError, batch: Sequence[SpecterArticle]
) -> SpecterInvalidArticleNo | None:
    """Specter's refusal of a number in `batch` as `SpecterInvalidArticleNo`, else None."""
    match = assumed.REFUSED_ARTICLE_NO.search(error.message)
    if match is None:
        return None
    number = match.group("article_no")
    index = int(match.group("n")) - 1
    if 0 <= index < len(batch):
        number = batch[index].articleNo
    reason = error.message[match.end() :].strip() or "refused by Specter"
    return SpecterInvalidArticleNo({number: reason}, code=error.code, action=error.action)
