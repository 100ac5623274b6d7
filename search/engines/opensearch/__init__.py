"""The OpenSearch engine: the same API served from an OpenSearch 2.x cluster (docs/scale-out.md).

Modules, one job each, data flowing one way:
``mapping`` (index settings: the one analysis of search/analysis.py as an analysis chain, BM25
with search/ranking.py's constants, a keyword field per facet of search/facets.py) →
``bulk`` (a ChangeSet → bulk actions into a versioned index, then one atomic alias move) →
``dsl`` (a parsed query and a SearchRequest → a search body; pure) →
``responses`` (search responses → Hit, SearchResult, FacetValue; pure) →
``suggest`` (did-you-mean rules over the term suggester's options; pure) →
``connection`` (the client, and every transport failure as EngineUnavailable with a hint) →
``engine`` (``OpenSearchEngine``, the protocol of search/engine.py).

Only ``connection`` and ``engine`` talk to a cluster; everything else is a pure function tested
against the OpenSearch documentation's JSON (tests/test_opensearch_*.py).
"""
