"""Settings and the one resolver that maps them between env vars, CLI flags and app keys.

Order of precedence, lowest first: defaults → ``HEMEROTECA_*`` environment → explicit values
(CLI flags or the dict given to ``web.create_app``). CLI and web both call ``resolve`` so they
cannot disagree about where the seeds and the index are, or which engine answers.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


class SettingError(ValueError):
    """A setting has a value it cannot take (an unknown engine, a negative limit)."""


def _path(value: object) -> Path:
    return Path(os.fspath(value))


def _engine(value: object) -> str:
    from search.engines import ENGINE_NAMES  # the registry; imports no engine
    name = str(value).strip().lower()
    if name not in ENGINE_NAMES:
        raise SettingError(f"unknown engine {value!r}; choose from {', '.join(ENGINE_NAMES)}")
    return name


def _optional_text(value: object) -> str | None:
    return str(value).strip() or None


def _optional_limit(value: object) -> int | None:
    if value in ("", "none", "None"):
        return None
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise SettingError(f"MAX_EXPORT_ROWS must be a whole number, got {value!r}") from None
    if limit < 1:
        raise SettingError(f"MAX_EXPORT_ROWS must be at least 1, got {limit}")
    return limit


# setting name → (env var, app key, default, parse)
SETTINGS_TABLE: dict[str, tuple[str, str, object, Callable[[object], object]]] = {
    "seeds_dir": ("HEMEROTECA_SEEDS", "SEEDS_DIR", "./seeds", _path),
    "index_dir": ("HEMEROTECA_INDEX", "INDEX_DIR", "./index", _path),
    "engine": ("HEMEROTECA_ENGINE", "ENGINE", "whoosh", _engine),
    "opensearch_url": ("HEMEROTECA_OPENSEARCH_URL", "OPENSEARCH_URL", None, _optional_text),
    "opensearch_index": ("HEMEROTECA_OPENSEARCH_INDEX", "OPENSEARCH_INDEX", "hemeroteca", _optional_text),
    # None: an export streams every matching paragraph (CONTRACT.md); a number cuts it short
    "max_export_rows": ("HEMEROTECA_MAX_EXPORT_ROWS", "MAX_EXPORT_ROWS", None, _optional_limit),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the seeds are, which engine holds the index and where, and the export limit."""

    seeds_dir: Path
    index_dir: Path
    engine: str = "whoosh"
    opensearch_url: str | None = None
    opensearch_index: str | None = "hemeroteca"
    max_export_rows: int | None = None


def resolve(explicit: Mapping[str, object] | None = None,
            environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from defaults, then the environment, then ``explicit``.

    ``explicit`` may use setting names (``seeds_dir``) or app keys (``SEEDS_DIR``); None values
    are ignored so that unset CLI flags fall through to the environment.

    :raises SettingError: a value the setting cannot take.
    """
    environ = os.environ if environ is None else environ
    explicit = explicit or {}
    values = {}
    for name, (env_var, app_key, default, parse) in SETTINGS_TABLE.items():
        value = default
        if environ.get(env_var):
            value = environ[env_var]
        for key in (name, app_key):
            if explicit.get(key) is not None:
                value = explicit[key]
        values[name] = None if value is None else parse(value)
    return Settings(**values)
