"""The query language, for every engine: parsed once into a neutral tree, compiled by each engine.

Parts: ``nodes`` (the tree), ``lexer`` (text → tokens), ``parser`` (tokens → tree:
``parse_query``).
"""
from __future__ import annotations

from search.querylang.nodes import ParsedQuery
from search.querylang.parser import parse_query, plain_words

__all__ = ["ParsedQuery", "parse_query", "plain_words"]
