"""Group Specter's flat articles into variant groups, the tenant's way (`catalog.grouping`).

Pure: the mapping file's rows are read by the caller (`read_mapping_file`) and passed in.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from magspec_pipelines.domain.catalog import (
    Article,
    CatalogPlan,
    ParkedArticle,
    Variant,
    VariantGroup,
)
from magspec_pipelines.tenancy.catalog import VariantGrouping
from magspec_pipelines.tenancy.files import read_csv_rows

# `<product> - <Group> : <Value>`; S1 writes several `- <Group> : <Value>` parts after the name.
_NAME_PART = re.compile(r"\s*-\s*(?P<group>[^:\-]+?)\s*:\s*(?P<value>[^-]+?)\s*(?=\s+-|-|$)")
_SEPARATORS = " -:_/"


class MappingFileError(ValueError):
    """The tenant's variant mapping file cannot be read."""


def read_mapping_file(tenants_dir: str | os.PathLike[str], name: str) -> list[dict[str, str]]:
    path = Path(tenants_dir) / name
    return read_csv_rows(path, ("article_no", "parent"), str(path), MappingFileError)


def group_articles(
    articles: Iterable[Article],
    grouping: VariantGrouping,
    *,
    tenant_file: str,
    mapping_rows: Sequence[dict[str, str]] = (),
) -> CatalogPlan:
    """The plan for `articles`: variant groups, simple articles and parked ones."""
    by_no = {a.article_no: a for a in articles}
    fix_base = f"{tenant_file}: catalog.grouping"
    members: dict[str, list[tuple[Article, dict[str, str]]]] = defaultdict(list)
    names: dict[str, str] = {}
    simples: list[Article] = []
    parked: list[ParkedArticle] = []

    def ungrouped(article: Article, why: str) -> None:
        if grouping.ungrouped == "simple":
            simples.append(article)
        else:
            parked.append(
                ParkedArticle(
                    key=article.article_no,
                    reason=f"article {article.article_no!r} {why}",
                    fix=f"{fix_base}.{_source_key(grouping)} (or ungrouped: simple)",
                )
            )

    mapping = {row["article_no"].strip(): row for row in mapping_rows}
    for article in sorted(by_no.values(), key=lambda a: a.article_no):
        if not article.name.strip():
            parked.append(
                ParkedArticle(
                    key=article.article_no,
                    reason=f"article {article.article_no!r} has no name",
                    fix=f"give article {article.article_no} a name in Specter",
                )
            )
            continue
        found = _variant_of(article, grouping, mapping)
        if isinstance(found, str):
            ungrouped(article, found)
            continue
        parent, options, parent_name = found
        members[parent].append((article, options))
        if parent_name:
            names.setdefault(parent, parent_name)

    groups: list[VariantGroup] = []
    for parent, rows in sorted(members.items()):
        problem = _group_problem(parent, rows, by_no)
        if problem is not None:
            for article, _ in rows:
                parked.append(
                    ParkedArticle(
                        key=article.article_no,
                        reason=f"variant group {parent!r}: {problem}",
                        fix=f"correct the articles of {parent} in Specter or {fix_base}",
                    )
                )
            continue
        axes = tuple(sorted(rows[0][1]))
        name = names.get(parent) or _common_name(rows)
        groups.append(
            VariantGroup(
                parent_sku=parent,
                name=name,
                axes=axes,
                variants=tuple(Variant(article=a, options=o) for a, o in rows),
            )
        )
    return CatalogPlan(groups=tuple(groups), simples=tuple(simples), parked=tuple(parked))


def _source_key(grouping: VariantGrouping) -> str:
    return {"article_number": "pattern", "mapping_file": "file"}.get(grouping.by, "by")


def _variant_of(
    article: Article, grouping: VariantGrouping, mapping: dict[str, dict[str, str]]
) -> tuple[str, dict[str, str], str] | str:
    """(parent SKU, {attribute code: label}, parent name or "") or why it is not a variant."""
    if grouping.by == "article_number":
        match = re.match(grouping.pattern, article.article_no)
        if match is None:
            return "does not match the article-number pattern"
        options = {k: v for k, v in match.groupdict().items() if k != "parent" and v}
        return match.group("parent"), options, ""
    if grouping.by == "name":
        return _from_name(article, grouping)
    if grouping.by == "mapping_file":
        row = mapping.get(article.article_no)
        if row is None or not (row.get("parent") or "").strip():
            return "is not in the mapping file"
        options = {
            k: v.strip()
            for k, v in row.items()
            if k not in ("article_no", "parent", "parent_name") and v and v.strip()
        }
        return row["parent"].strip(), options, (row.get("parent_name") or "").strip()
    if not article.parent_article_no:
        return "has no parentArticleNo in Specter"
    return _coded(article.parent_article_no, article.variant_attributes, grouping, "")


def _from_name(article: Article, grouping: VariantGrouping) -> tuple[str, dict, str] | str:
    parts = list(_NAME_PART.finditer(article.name))
    if not parts:
        return "has no '<product> - <Group> : <Value>' name"
    product = article.name[: parts[0].start()].strip()
    labels = {p.group("group").strip(): p.group("value").strip() for p in parts}
    # The parent's SKU is the article number without its variant part, as S1 numbers them.
    stem = article.article_no
    for value in labels.values():
        stem = re.sub(rf"[-_/ ]?{re.escape(value)}$", "", stem, flags=re.IGNORECASE)
    stem = stem.rstrip(_SEPARATORS) or article.article_no
    if stem == article.article_no:
        return "has a variant name, but its article number has no shared stem"
    return _coded(stem, labels, grouping, product)


def _coded(
    parent: str, labels: dict[str, str], grouping: VariantGrouping, name: str
) -> tuple[str, dict[str, str], str] | str:
    options: dict[str, str] = {}
    for group, value in labels.items():
        code = grouping.attribute_code(group)
        if code is None:
            return (
                f"has variant group {group!r}, which names no Magento attribute "
                f"(catalog.grouping.attributes.{group})"
            )
        options[code] = value
    if not options:
        return "has no variant attributes"
    return parent, options, name


def _group_problem(
    parent: str, rows: list[tuple[Article, dict[str, str]]], by_no: dict[str, Article]
) -> str | None:
    if parent in by_no:
        return f"its SKU {parent!r} is also an article of its own"
    axes = {tuple(sorted(options)) for _, options in rows}
    if len(axes) > 1:
        listed = " vs ".join("/".join(a) for a in sorted(axes))
        return f"the variants do not share the same attributes ({listed})"
    seen: dict[tuple, str] = {}
    for article, options in rows:
        combo = tuple(sorted(options.items()))
        if combo in seen:
            return (
                f"{seen[combo]!r} and {article.article_no!r} are the same variant "
                f"({', '.join(f'{k}={v}' for k, v in combo)})"
            )
        seen[combo] = article.article_no
    return None


def _common_name(rows: list[tuple[Article, dict[str, str]]]) -> str:
    """The name the variants share: their common prefix, or a lone variant's name without its
    option labels."""
    names = [a.name for a, _ in rows]
    if len(names) == 1:
        name = names[0]
        for label in reversed(list(rows[0][1].values())):
            if name.lower().endswith(label.lower()):
                name = name[: -len(label)].rstrip(_SEPARATORS)
        return name.rstrip(_SEPARATORS) or names[0]
    prefix = os.path.commonprefix(names).rstrip(_SEPARATORS)
    return prefix or names[0]
