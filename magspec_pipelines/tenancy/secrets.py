"""Per-tenant secrets: the registry names environment variables; values are read only at run time.

Resolving late (never at import or registry load) keeps secrets out of the code location's
definitions, so they cannot leak into metadata, logs or the Dagster UI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from magspec_pipelines.tenancy.models import TenancyError


class MissingSecret(TenancyError):
    """An environment variable named in the registry is unset or empty. Names the variable only."""

    def __init__(self, env_name: str) -> None:
        self.env_name = env_name
        super().__init__(
            f"environment variable {env_name} is not set or empty; the tenant registry names it "
            "as a secret, so set it in the environment the integration runs in"
        )


def resolve_secret(env_name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of the secret held in `env_name` (from `environ`, default the process env)."""
    value = (os.environ if environ is None else environ).get(env_name, "")
    if not value.strip():
        raise MissingSecret(env_name)
    return value


def missing_secrets(env_names: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """The names among `env_names` that are unset or empty, for preflight checks."""
    env = os.environ if environ is None else environ
    return [name for name in env_names if not env.get(name, "").strip()]
