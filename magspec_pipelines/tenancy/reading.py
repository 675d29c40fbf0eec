"""Reading one tenant file as untrusted input: bounded in size, in alias expansion and in the
length of what an error message quotes.

A tenant file is written by people and sometimes pasted from elsewhere. Whatever it holds, reading
it must take bounded time and memory, and its problems must stay the problems of that one file.
YAML aliases are the trap: `&a [*b, *b, ...]` nine levels deep is a few hundred bytes that parse
into a small shared structure but expand to a billion values as soon as something walks it (a
`repr` in an error message, a validator, a copy). So the composed node graph is measured before
any value is built, and the file is refused when the document, with every alias expanded, would
be more than a few times the file.
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import Any

import yaml

# The largest tenant file read; the bundled ones are under 4 KiB.
MAX_FILE_BYTES = 256 * 1024
# The document with aliases expanded, in characters of scalar text plus one per value. Four
# times the file limit: a file without aliases never comes near it (each value costs at least
# a character in the file), so only an alias expansion can exceed it.
MAX_EXPANDED = 4 * MAX_FILE_BYTES
# Nesting of mappings and lists; the tenant settings nest six deep.
MAX_DEPTH = 32
# Longest text of one value or message quoted back in an error.
MAX_QUOTED = 60
MAX_MESSAGE = 400

# libyaml's parser where PyYAML has it (seven times faster on many tenant files); the resolver
# below is Python's either way.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RegistryLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """YAML 1.1 reads `no`, `yes`, `on` and `off` as booleans, so `language: NO` (Norwegian) or
    `code: no` would silently become False. Only `true` and `false` are booleans here (YAML 1.2)."""


RegistryLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RegistryLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class FileRefused(ValueError):
    """The file is not read at all: too large, aliases expanding too far, or nested too deep."""


def read_yaml(file: Path) -> Any:
    """The parsed document of `file`, refused (`FileRefused`) when it breaks the limits above.

    YAML errors (`yaml.YAMLError`), OS errors and `ValueError`s of the constructors (a date such
    as 2026-13-45, an integer of 5000 digits) pass through for the caller to report.
    """
    with open(file, "rb") as fh:
        # Read one byte past the limit instead of trusting the size on disk (a pipe, a file that
        # grows): memory stays bounded whatever the path points at.
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise FileRefused(
            f"the file is larger than {MAX_FILE_BYTES // 1024} KiB (allowed: a tenant file up "
            f"to {MAX_FILE_BYTES // 1024} KiB; long lists belong in a CSV next to it)"
        )
    loader = RegistryLoader(raw.decode("utf-8"))
    try:
        # Composing builds the node graph, in which an alias is the anchored node itself:
        # small, whatever it expands to. It is measured before any value is built from it.
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Refuse the document when aliases expand it past MAX_EXPANDED, an alias refers to the
    value that contains it, or values nest deeper than MAX_DEPTH (aliases expanded)."""
    # Expanded size per node (id), each node measured once: linear in the file, not in the
    # expansion. Iterative, so no nesting can exhaust Python's stack.
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the collections whose children are being measured: the path
    # (collection, its children) once opened; (node, None) while waiting to be.
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, children = stack.pop()
        key = id(node)
        if children is not None:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_EXPANDED:
                raise FileRefused(
                    f"YAML aliases expand the file to more than {MAX_EXPANDED // 1024} KiB of "
                    "values (allowed: aliases that repeat small parts, e.g. shared shop settings)"
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise FileRefused(
                f"the anchored value at line {node.start_mark.line + 1} contains an alias of "
                "itself (allowed: aliases of values defined before, outside them)"
            )
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = len(node.value) + 1
            continue
        if len(open_nodes) >= MAX_DEPTH:
            raise FileRefused(
                f"values nest more than {MAX_DEPTH} levels deep (allowed: the tenant "
                "settings, which nest a few levels)"
            )
        open_nodes.add(key)
        children = _children(node)
        stack.append((node, children))
        for child in children:
            # Scalars, most of the nodes, are measured here rather than by a trip via the stack.
            if isinstance(child, yaml.ScalarNode):
                sizes[id(child)] = len(child.value) + 1
            elif id(child) not in sizes:
                stack.append((child, None))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_repr = reprlib.Repr()
_repr.maxlevel = 2
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdict = 4
_repr.maxstring = _repr.maxother = MAX_QUOTED


def short(value: Any) -> str:
    """A repr of `value` cut to about MAX_QUOTED characters, in time bounded by that length.

    `repr` of a value read from a tenant file may be enormous (a long string, a list of lists);
    reprlib stops after a few items per level instead of building it all and cutting after.
    """
    return clip(_repr.repr(value), MAX_QUOTED)


def display_path(file: Path) -> str:
    """The file relative to the working directory when it lies below it, else as given."""
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` cut to `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
