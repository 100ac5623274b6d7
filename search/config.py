"""Settings and the one resolver that maps them between env vars, CLI flags and app keys.

Order of precedence, lowest first: defaults → ``HEMEROTECA_*`` environment → explicit values
(CLI flags or the dict given to ``web.create_app``). CLI and web both call ``resolve`` so they
cannot disagree about where the seeds and the index are.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# setting name → (env var, app key, default)
SETTINGS_TABLE = {
    "seeds_dir": ("HEMEROTECA_SEEDS", "SEEDS_DIR", "./seeds"),
    "index_dir": ("HEMEROTECA_INDEX", "INDEX_DIR", "./index"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the seeds are read from and where the index generations are written."""

    seeds_dir: Path
    index_dir: Path


def resolve(explicit: Mapping[str, object] | None = None,
            environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from defaults, then the environment, then ``explicit``.

    ``explicit`` may use setting names (``seeds_dir``) or app keys (``SEEDS_DIR``); None values
    are ignored so that unset CLI flags fall through to the environment.
    """
    environ = os.environ if environ is None else environ
    explicit = explicit or {}
    values = {}
    for name, (env_var, app_key, default) in SETTINGS_TABLE.items():
        value = default
        if environ.get(env_var):
            value = environ[env_var]
        for key in (name, app_key):
            if explicit.get(key) is not None:
                value = explicit[key]
        values[name] = Path(os.fspath(value))
    return Settings(**values)
