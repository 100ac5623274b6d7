"""The ranking's parameters, for every engine: BM25 constants, field boosts, kind factors,
the proximity bonus, and the fields a query may name. No weight is written anywhere else.

The embedded engine computes BM25F with these over its postings (engines/whoosh/bm25f.py); the
OpenSearch engine sets the same similarity and boosts in its mapping and queries
(engines/opensearch/). Each value's reason is beside it; README "Ranking" shows them as a table.
"""
from __future__ import annotations

# BM25 parameters (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
# Beyond", 2009). Paragraphs are short and of similar length, so full length normalisation
# (the usual B=0.75) over-rewards one-line paragraphs that mention a name once ("Who in
# Guaido's orbit…") against the paragraph that is about that person; B=0.5 halves that bias.
# K1=1.2 is the usual saturation: a fourth "Guaidó" adds less than the second.
BM25_B = 0.5
BM25_K1 = 1.2

# Fields searched by bare words, with their boosts (the weight of each field's BM25 score in the
# sum; BM25F here scores fields separately and adds them). Why these values:
# - text 1.0: the reference; the stemmed, accent-folded words of the paragraph.
# - text_exact 0.5: the same words unstemmed, on top of the stemmed match, so "sanctions" ranks
#   paragraphs saying "sanctions" above those saying "sanction" (+50% for the exact form: enough
#   to order otherwise equal paragraphs, too little to beat a paragraph about the subject).
# - actor 1.2: a word naming an actor the paragraph mentions, also by surname alone ("Lopez" for
#   "Mr López"): a paragraph about that actor outranks one sharing the word in passing. Actor
#   fields are a few words long, so even 1.2 is a strong signal; more let one-line mentions of
#   a name outrank the paragraphs about that person in our judgments.
# - place 0.6: places are named in most paragraphs of an archive about one country, so naming
#   one is weaker evidence of aboutness than naming a person.
QUERY_FIELDS = {"text": 1.0, "text_exact": 0.5, "actor": 1.2, "place": 0.6}

# Fields that only rank: they add to the score of a paragraph that matches by its own words but
# never make one match (there would be nothing to highlight). The title says what the whole
# article is about (0.6: context, weaker than the paragraph's own words); the publication lets
# "Economist Maduro" prefer The Economist's paragraphs on Maduro (0.8, because a publication name
# in a query is there on purpose).
RANKING_FIELDS = {"title": 0.6, "publication": 0.8}

# A bare year ("Maduro 2021") adds this to the score of paragraphs of that year's articles (the
# year is not scored by BM25: a match adds the boost as is, about a third of a rare word's score).
YEAR_BOOST = 2.0

# A query's words that name a facet value (search/interpret.py: "Economist" → The Economist,
# "TSJ" → Supreme Tribunal of Justice) add this to the score of the matching paragraphs that carry
# the value: ranking evidence, never a filter. The same weight as a bare year, for the same
# reason (a publication or a name typed into a query is there on purpose). A publication always
# adds it: the publication field above scores its words one at a time ("crisis" alone too),
# the reading only a whole name or short form; without the field the judged query "Economist
# Maduro 2021" fell from 0.71 to 0.63 (nDCG@10), so both stay. An actor or place adds it only
# when read through an alias that shares no word with its name ("TSJ"): the actor and place
# fields already score "Maduro". Years are not here: a bare year carries YEAR_BOOST.
READING_BOOSTS = {"publication": YEAR_BOOST, "actor": YEAR_BOOST, "place": YEAR_BOOST}

# Bare words found close together (within PROXIMITY_SLOP positions, in order) add a sloppy-phrase
# score with this boost: "sanctions relief" together is worth more than the two words apart (a
# cheap form of the sequential dependence model, Metzler & Croft, SIGIR 2005).
PROXIMITY_BOOST = 0.5
PROXIMITY_SLOP = 3
# Queries of more bare words than this get no proximity bonus (a pasted sentence is not a phrase).
PROXIMITY_MAX_WORDS = 6

# A pull-quote repeats a sentence of a body paragraph of the same article: both match the same
# words, and the shorter pull-quote wins on length normalisation although the body paragraph
# is the one with the context (and the one a reader should land on). A caption describes a
# photograph, rarely what the article says about the query. Both still rank, only lower: a
# query that only a caption answers still finds it first. The factor multiplies the whole score.
KIND_FACTORS = {"pullquote": 0.5, "caption": 0.8}

# Equal scores (and every sort's equal keys) are ordered by this key, in every engine, so that
# the same seeds give the same pages whether the index was built at once, in two processes or
# incrementally (an engine's internal document number depends on how it was written and must
# never decide). Relevance ties go newest first, like the `newest` sort: the date as precise as
# known (YYYY < YYYY-MM < YYYY-MM-DD within a year, compared as yyyymmdd with unknown parts
# 00), undated paragraphs last, then archive order: doc_id (string order), then position. The
# `newest` and `oldest` sorts use the same date key and the same archive order after it.
# The embedded engine precomputes this order per generation (columns.py ``newest_rank``).
TIE_BREAK = ("date desc (undated last)", "doc_id asc", "position asc")

# Fields a user may name in a query (``field:value``), mapped to the index field.
USER_FIELDS = {"text": "text", "title": "title", "publication": "publication", "actor": "actor",
               "place": "place", "year": "year", "kind": "kind"}

# Hybrid search (mode=hybrid, the `semantic` extra; search/semantic/fusion.py). A hit's score is
# SEMANTIC_WEIGHT × cosine(query, paragraph) + (1 − SEMANTIC_WEIGHT) × its lexical score divided
# by the best lexical score of the request. 0.3 is the mix measured in DEPENDENCIES.md (mean
# nDCG@10 0.768 → 0.817 on the judged queries; the model alone scored 0.66, well below the
# words): meaning reorders and adds paragraphs, the words stay the stronger evidence. Not tuned
# here on the judged sample.
SEMANTIC_WEIGHT = 0.3
# The best FUSION_DEPTH lexical matches are re-ranked with their cosines; matches below them
# follow in lexical order. 100 is ten pages: deeper than anyone reads, and a fixed depth keeps
# the order of a page independent of which page was asked for.
FUSION_DEPTH = 100
# At most MEANING_NEIGHBOURS paragraphs join through meaning alone (two pages): the nearest to
# the query among those the filters allow, if their cosine is at least MEANING_MIN_COSINE. With
# all-MiniLM-L6-v2 on the seeds, queries about nothing in them (cake recipes, qubits, "xyzzy")
# reached at most 0.22, paraphrases of what the articles say 0.32-0.54: below 0.3 a "related by
# meaning" label would mostly be noise.
MEANING_NEIGHBOURS = 20
MEANING_MIN_COSINE = 0.3
