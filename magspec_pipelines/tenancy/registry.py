"""Loading the tenant registry: a folder with one YAML file per tenant.

Every file is loaded on its own, so one broken file never keeps the other tenants from running.
Each problem becomes a `RegistryError` that names the file, the tenant, the key path, what is
wrong and what is allowed.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from magspec_pipelines.tenancy.files import file_problems
from magspec_pipelines.tenancy.models import FieldProblems, Flow, TenancyError, Tenant
from magspec_pipelines.tenancy.reading import FileRefused, clip, display_path, read_yaml, short

# The loader under its old name: the scale benchmark times the parser alone with it.
from magspec_pipelines.tenancy.reading import RegistryLoader as _RegistryLoader  # noqa: F401

TENANTS_DIR_ENV = "MAGSPEC_TENANTS_DIR"
DEFAULT_TENANTS_DIR = "tenants"
_SUFFIXES = (".yaml", ".yml")
# Errors reported per file; a file with more (a list of a thousand bad rows) gets a count.
MAX_ERRORS_PER_FILE = 50

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryError:
    """One problem in one registry file. `path` is the key path, e.g. `shops[1].currency`."""

    file: str
    tenant: str
    path: str
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.tenant:
            parts.append(f"tenant {self.tenant!r}")
        if self.path:
            parts.append(self.path)
        return ": ".join([*parts, self.message])


class RegistryLoadError(TenancyError):
    """The registry has errors; `errors` lists every one of them."""

    def __init__(self, errors: list[RegistryError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"the tenant registry has {len(errors)} error(s):\n{lines}")


class UnknownTenant(TenancyError, KeyError):
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        super().__init__(f"no tenant {tenant_id!r} in the registry")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Registry:
    """The tenants that loaded, the errors of the files that did not, and where they came from."""

    path: Path
    tenants: dict[str, Tenant]
    errors: list[RegistryError] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def tenant(self, tenant_id: str) -> Tenant:
        try:
            return self.tenants[tenant_id]
        except KeyError:
            raise UnknownTenant(tenant_id) from None

    def tenants_with_flow(self, flow: Flow | str) -> list[Tenant]:
        """The tenants that run `flow`, sorted by id."""
        return [t for _, t in sorted(self.tenants.items()) if flow in t.flows]

    def raise_for_errors(self) -> None:
        if self.errors:
            raise RegistryLoadError(self.errors)

    def config_path(self, tenant_id: str, key_path: str) -> str:
        """Where a setting lives, for people to fix: `tenants/acme.yaml: orders.payment_methods.x`."""
        file = self.files.get(tenant_id, self.path / f"{tenant_id}.yaml")
        return f"{display_path(file)}: {key_path}"


def tenants_dir(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(path if path is not None else env.get(TENANTS_DIR_ENV) or DEFAULT_TENANTS_DIR)


def load_registry(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Registry:
    """Load every `*.yaml`/`*.yml` in the folder (`path`, else $MAGSPEC_TENANTS_DIR, else ./tenants)."""
    folder = tenants_dir(path, environ)
    if not folder.is_dir():
        error = RegistryError(display_path(folder), "", "", "tenant folder does not exist")
        return Registry(path=folder, tenants={}, errors=[error])

    loaded: dict[Path, Tenant] = {}
    errors: list[RegistryError] = []
    for file in sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file()):
        if file.name.startswith("."):
            continue
        try:
            tenant, file_errors = _load_file(file, folder)
        except Exception as exc:
            # Whatever a file does to the parser or the models stays that file's problem: the
            # code location loads with the other tenants.
            log.exception("tenant file %s could not be loaded", display_path(file))
            why = f"could not be loaded ({type(exc).__name__}: {clip(str(exc), 200)})"
            tenant, file_errors = None, [RegistryError(display_path(file), file.stem, "", why)]
        errors.extend(_capped(file_errors))
        if tenant is not None:
            loaded[file] = tenant

    by_id: dict[str, list[Path]] = defaultdict(list)
    for file, tenant in loaded.items():
        by_id[tenant.id].append(file)
    tenants: dict[str, Tenant] = {}
    files: dict[str, Path] = {}
    for tenant_id, id_files in sorted(by_id.items()):
        if len(id_files) == 1:
            tenants[tenant_id], files[tenant_id] = loaded[id_files[0]], id_files[0]
            continue
        for file in id_files:
            others = ", ".join(display_path(f) for f in id_files if f != file)
            message = (
                f"{tenant_id!r} is also the id in {others} (allowed: ids unique in the registry)"
            )
            errors.append(RegistryError(display_path(file), tenant_id, "id", message))
    return Registry(path=folder, tenants=tenants, errors=errors, files=files)


def _load_file(file: Path, folder: Path) -> tuple[Tenant | None, list[RegistryError]]:
    shown, stem = display_path(file), file.stem
    try:
        data = read_yaml(file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = clip(exc.problem or exc.context or "unreadable")
        return None, [RegistryError(shown, stem, "", f"YAML syntax error{where}: {problem}")]
    except UnicodeDecodeError as exc:
        why = f"is not UTF-8 text (byte {exc.start}; allowed: a UTF-8 YAML file)"
        return None, [RegistryError(shown, stem, "", why)]
    except FileRefused as exc:
        return None, [RegistryError(shown, stem, "", f"refused: {exc}")]
    except (yaml.YAMLError, OSError) as exc:
        return None, [RegistryError(shown, stem, "", f"cannot be read: {clip(str(exc))}")]
    except ValueError as exc:
        # What the YAML constructors cannot build: the date 2026-13-45, an integer of thousands
        # of digits. They give no line; the message and the cure are what there is.
        why = f"a value cannot be read ({clip(str(exc), 200)}; quote it to keep it as text)"
        return None, [RegistryError(shown, stem, "", why)]
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        message = f"the file is {kind} (allowed: a mapping of tenant settings, see `id`, `mode`...)"
        return None, [RegistryError(shown, stem, "", message)]

    raw_id = data.get("id")
    label = clip(raw_id, 40) if isinstance(raw_id, str) and raw_id else stem
    try:
        tenant = Tenant.model_validate(data)
    except ValidationError as exc:
        return None, [
            RegistryError(shown, label, clip(p, 200), clip(m)) for p, m in _describe_all(exc)
        ]
    if tenant.id != stem:
        message = f"{tenant.id!r} does not match the file name (allowed: {stem!r}, the file stem)"
        return None, [RegistryError(shown, label, "id", message)]
    problems = file_problems(tenant, folder)
    if problems:
        return None, [RegistryError(shown, label, p, m) for p, m in problems]
    return tenant, []


def _capped(errors: list[RegistryError]) -> list[RegistryError]:
    if len(errors) <= MAX_ERRORS_PER_FILE:
        return errors
    first = errors[0]
    more = f"and {len(errors) - MAX_ERRORS_PER_FILE} more error(s) in this file"
    return [*errors[:MAX_ERRORS_PER_FILE], RegistryError(first.file, first.tenant, "", more)]


def _describe_all(exc: ValidationError) -> list[tuple[str, str]]:
    described: list[tuple[str, str]] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblems):
            described.extend((_format_path(loc + sub), msg) for sub, msg in cause.problems)
        else:
            described.append((_format_path(loc), _describe(error, loc)))
    return described


def _describe(error: Any, loc: tuple[Any, ...]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key (allowed: {', '.join(allowed)})" if allowed else "unknown key"
    if loc and str(loc[-1]).endswith("_env"):
        # The value might be a pasted secret instead of a variable name: never echo it.
        return f"is not valid ({error['msg']})"
    if kind in ("literal_error", "enum"):
        return f"{short(value)} is not allowed (allowed: {ctx.get('expected', '')})"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return f"{short(value)} is not valid ({error['msg']})"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at `loc` accepts, found by walking the model fields along the path."""
    model: Any = Tenant
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part)
        if info is None:
            return []
        model = _model_in(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _format_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def format_registry_report(registry: Registry) -> str:
    """A readable table of the tenants, then every error, for `magspec tenants validate`.

    Exit status for the command: 0 when the registry has no errors; 1 when any file has an error
    (the tenants that loaded are still listed and would still run); 2 when the tenant folder does
    not exist or holds no tenant file at all.
    """
    header = ("tenant", "mode", "package", "shops", "flows")
    rows = [
        (
            t.id,
            t.mode.value,
            t.package.value,
            ",".join(s.code for s in t.shops),
            ",".join(sorted(f.value for f in t.flows)),
        )
        for _, t in sorted(registry.tenants.items())
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"tenant registry {display_path(registry.path)}"]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    if not rows:
        lines.append("(no valid tenants)")
    lines.append("")
    if registry.errors:
        lines.append(f"{len(registry.errors)} error(s):")
        lines += [f"  {e}" for e in registry.errors]
    else:
        lines.append(f"{len(rows)} tenant(s), no errors")
    return "\n".join(lines)


def registry_exit_status(registry: Registry) -> int:
    """The exit status `format_registry_report` documents."""
    if not registry.path.is_dir() or (not registry.tenants and not registry.errors):
        return 2
    return 1 if registry.errors else 0
