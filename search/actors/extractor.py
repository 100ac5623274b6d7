"""Paragraphs → actor mentions → one canonical name per actor (the indexer's entry point).

Parts: ``ActorExtractor`` with ``from_seeds`` (the shipped gazetteer plus ``seeds/actors.toml``),
``extract_document`` (paragraph id → mentions in text order, resolved within the article) and
``extract_corpus`` (every document, then one spelling per person across the corpus).
The pipeline: ``names`` (tokens, runs of capitals, gazetteer matches) → ``candidates`` (cue
rules) → ``resolve`` (people, organisations and places of one article to canonical names) →
``corpus`` (one name per actor across articles). ``gazetteer`` loads the data they use.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from search.actors.candidates import find_candidates
from search.actors.gazetteer import Gazetteer, fold, load_gazetteer
from search.seeds import ACTORS_FILE
from search.actors.names import mask_credits, tokenize
from search.records import ActorMention, Document
from search.actors.corpus import merge_adjacent, unify_corpus
from search.actors.resolve import resolve_article


class ActorExtractor:
    """Find and resolve the actors of whole documents (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    @classmethod
    def from_seeds(cls, seeds_dir: Path | None = None) -> ActorExtractor:
        """Shipped gazetteer, plus ``seeds_dir/actors.toml`` when there is one."""
        path = Path(seeds_dir) / ACTORS_FILE if seeds_dir is not None else None
        return cls(load_gazetteer(path))

    def extract_document(self, document: Document) -> dict[str, tuple[ActorMention, ...]]:
        """Return paragraph id → the actor mentions of that paragraph, in text order."""
        paragraphs = document.paragraphs
        texts = [p.text for p in paragraphs]
        doc_text = fold(" ".join(texts))  # for the dictionary's context words
        tokens = [tokenize(mask_credits(text)) for text in texts]
        # Words the article writes in lower case: "Perhaps" opening a sentence is one of them.
        lower_words = frozenset(t.folded for toks in tokens for t in toks if t.text[:1].islower())
        flat = [(pi, cand) for pi, (toks, text) in enumerate(zip(tokens, texts))
                for cand in find_candidates(toks, text, self.gazetteer, doc_text, lower_words)]
        names = resolve_article(flat, texts, self.gazetteer.people, self.gazetteer.cues.connectors)
        out: dict[str, list[ActorMention]] = {p.id: [] for p in paragraphs}
        for n, (pi, cand) in enumerate(flat):
            if n in names:
                name, kind = names[n]
                surface = texts[pi][cand.surface_start:cand.end]
                out[paragraphs[pi].id].append(
                    ActorMention(name, kind, surface, cand.surface_start, cand.end))
        return {p.id: tuple(merge_adjacent(out[p.id], p.text)) for p in paragraphs}

    def extract_corpus(self, documents: Iterable[Document]) -> dict[str, tuple[ActorMention, ...]]:
        """Extract every document, then give each person one spelling across the corpus."""
        mentions: dict[str, tuple[ActorMention, ...]] = {}
        for document in documents:
            mentions.update(self.extract_document(document))
        return self.unify(mentions)

    @staticmethod
    def unify(mentions: dict[str, tuple[ActorMention, ...]]) -> dict[str, tuple[ActorMention, ...]]:
        """The step across documents, on per-document results however they were computed."""
        return unify_corpus(mentions)
