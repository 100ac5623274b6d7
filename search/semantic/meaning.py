"""What a search by meaning needs at query time: the index's vectors and the query's.

Parts: the messages (``NEEDS_EXTRA``, ``NEEDS_VECTORS``), ``MeaningUnavailable``,
``unavailable_reason`` (can this index be searched by meaning here?), ``Meaning`` (cosines of a
query, or of a paragraph, with every paragraph) and ``open_meaning``.

Engine-independent: an engine gives the vectors of its generation (store.VectorSet) in the order
of its document numbers and gets dense cosine arrays in that order back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.semantic.model import MODEL, INSTALL_HINT, ModelUnavailable, load_embedder, missing_reason
from search.semantic.store import VectorSet

NEEDS_EXTRA = f"hybrid search needs the semantic extra: {INSTALL_HINT}, then rebuild the index"
NEEDS_VECTORS = ("hybrid search needs the paragraphs' vectors, and this index was built without "
                 "them: rebuild the index with the extra installed (hemeroteca index --full)")


class MeaningUnavailable(RuntimeError):
    """This index cannot be searched by meaning here; the message says what to do."""


def unavailable_reason(vectors: VectorSet | None) -> str | None:
    """Why an index with ``vectors`` cannot be searched by meaning in this process, or None.
    Cheap (nothing is imported or loaded): pages ask it to decide whether to offer the mode."""
    if missing_reason() is not None:
        return NEEDS_EXTRA
    if vectors is None:
        return NEEDS_VECTORS
    if vectors.model != MODEL.id:
        return (f"the index's vectors were made with {vectors.model}, this installation embeds "
                f"with {MODEL.id}: rebuild the index (hemeroteca index --full)")
    return None


@dataclass(slots=True)
class Meaning:
    """A generation's paragraph vectors, row ``n`` for document number ``n``."""

    vectors: np.ndarray

    def query_cosine(self, text: str) -> np.ndarray:
        """The cosine of ``text``'s vector with every paragraph's (a float32 array).

        :raises MeaningUnavailable: the model cannot be loaded (a file is not the pinned one).
        """
        try:
            query = load_embedder().embed_query(text)
        except ModelUnavailable as error:
            raise MeaningUnavailable(str(error)) from None
        return self.vectors @ query

    def paragraph_cosine(self, docnum: int) -> np.ndarray:
        """The cosine of paragraph ``docnum``'s vector with every paragraph's ("more like this")."""
        return self.vectors @ np.asarray(self.vectors[docnum], dtype=np.float32)


def open_meaning(vectors: VectorSet | None, paragraph_ids: list[str | None]) -> Meaning:
    """The Meaning of an index whose document numbers name ``paragraph_ids`` (None: a
    document number that names no paragraph any more, never found by meaning).

    :raises MeaningUnavailable: ``unavailable_reason`` is not None.
    """
    reason = unavailable_reason(vectors)
    if reason is not None:
        raise MeaningUnavailable(reason)
    return Meaning(vectors.aligned(paragraph_ids))
