"""The client for the configured cluster, and every way of not reaching it as EngineUnavailable.

Parts: ``connect`` (settings → an ``opensearchpy.OpenSearch`` client), ``answering`` (a context
in which transport failures become EngineUnavailable with a hint, and a query the cluster
refuses becomes BadParameter), ``describe`` (an error in one line), ``redact`` (a URL without its
password, for messages).

A server that is down, slow, or missing the index gives the same 503 ``unavailable`` as a missing
embedded index (search/engine.py), never a 500: the web app maps EngineUnavailable, the CLI
prints it and exits 1.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from search.engine import EngineUnavailable
from search.request import BadParameter

# Seconds a search may take before the cluster counts as unavailable (a 503 with a hint).
SEARCH_TIMEOUT = 10
# One retry on another connection of the pool; no retry after a timeout (it would double it).
MAX_RETRIES = 1

SETUP_HINT = "start it (docs/scale-out.md) or check HEMEROTECA_OPENSEARCH_URL"
NO_URL = ("the OpenSearch engine needs the cluster's URL: set HEMEROTECA_OPENSEARCH_URL "
          "(e.g. http://localhost:9200), pass --opensearch-url URL, or give create_app() "
          "OPENSEARCH_URL; docs/scale-out.md starts a one-node cluster for a trial")
NO_CLIENT = ("the OpenSearch engine needs the opensearch extra: pip install -e '.[opensearch]'")

# opensearch-py logs each failed request as a warning with its traceback; with logging not
# configured, Python would print that traceback on stderr. The error reaches the user as a
# message (a 503, or the CLI's "error: …"); an application that configures logging still
# sees the warnings through its own handlers.
logging.getLogger("opensearch").addHandler(logging.NullHandler())


def redact(url: str | None) -> str:
    """``url`` with any password replaced by ***, for messages and reports."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str | None):
    """A client for the cluster at ``url`` (no request is made yet).

    :raises EngineUnavailable: no URL is configured, or opensearch-py is not installed.
    """
    if not url:
        raise EngineUnavailable(NO_URL)
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise EngineUnavailable(NO_CLIENT) from None
    return OpenSearch(hosts=[url], timeout=SEARCH_TIMEOUT, max_retries=MAX_RETRIES,
                      retry_on_timeout=False)


def describe(error: BaseException) -> str:
    """One line saying what went wrong, without the client's nested reprs where possible."""
    from opensearchpy.exceptions import ConnectionError, ConnectionTimeout, TransportError
    if isinstance(error, ConnectionTimeout):
        return "it did not answer in time"
    if isinstance(error, ConnectionError):
        # "…: [Errno 111] Connection refused)" → "Connection refused"
        found = re.search(r"\[Errno -?\d+\] ([^)'\]]+)", str(error.info))
        return found.group(1).strip() if found else type(error.info).__name__
    if isinstance(error, TransportError):
        reason = _reason(error)
        return f"it answered {error.status_code}" + (f": {reason}" if reason else "")
    return f"{type(error).__name__}: {error}"


def _reason(error) -> str:
    info = error.info if isinstance(error.info, dict) else {}
    detail = info.get("error")
    if isinstance(detail, dict):
        causes = detail.get("root_cause") or [detail]
        return "; ".join(str(c.get("reason") or c.get("type")) for c in causes[:3])
    return str(detail or error.error or "")


def _index_missing(error) -> bool:
    info = error.info if isinstance(error.info, dict) else {}
    detail = info.get("error")
    kind = detail.get("type") if isinstance(detail, dict) else detail
    return kind in ("index_not_found_exception", "aliases_not_found_exception")


@contextmanager
def answering(url: str | None, alias: str, searching: bool = True) -> Iterator[None]:
    """Run requests to the cluster: a failure to answer becomes EngineUnavailable with a hint;
    while ``searching``, a query the cluster refuses (HTTP 400) becomes BadParameter on ``q``."""
    try:
        from opensearchpy.exceptions import (ConnectionError, NotFoundError, OpenSearchException,
                                             RequestError, TransportError)
    except ImportError:
        raise EngineUnavailable(NO_CLIENT) from None
    where = redact(url)
    try:
        yield
    except ConnectionError as error:
        raise EngineUnavailable(f"cannot reach OpenSearch at {where} ({describe(error)}); "
                                f"{SETUP_HINT}") from None
    except NotFoundError as error:
        if _index_missing(error):
            raise EngineUnavailable(
                f"no index {alias!r} in OpenSearch at {where}: load it with `hemeroteca index "
                f"--engine opensearch --opensearch-url {where}`") from None
        raise EngineUnavailable(f"OpenSearch at {where}: {describe(error)}") from None
    except RequestError as error:
        if not searching:
            raise EngineUnavailable(f"OpenSearch at {where} refused a request: {describe(error)}") from None
        raise BadParameter("q", f"the cluster could not run this search: {_reason(error)}") from None
    except TransportError as error:  # 401/403 (security), 429 (overloaded), 5xx
        raise EngineUnavailable(f"OpenSearch at {where} could not answer: {describe(error)}; "
                                f"{SETUP_HINT}") from None
    except OpenSearchException as error:  # a response that is not JSON (not OpenSearch there?)
        raise EngineUnavailable(f"OpenSearch at {where} gave an answer that is not OpenSearch's "
                                f"({type(error).__name__}); {SETUP_HINT}") from None
