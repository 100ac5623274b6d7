"""Compare stemmers and lemmatisers on the word families of a real vocabulary (issue 13, item 1).

Usage (the lexicons and the candidates that are not dependencies install with pip; missing ones
are reported and skipped)::

    pip install lemminflect simplemma spacy-lookups-data lemmagen3 pystemmer
    python bench/generate_corpus.py --paragraphs 20000 --out /tmp/bench-seeds --seed 1
    python eval/measure_stemmers.py seeds /tmp/bench-seeds tests/data

Vocabulary: the words of every .txt/.md file under the given folders, as the index sees them
(search/analysis.py: TOKEN_PATTERN, fold_word, stopwords dropped), letters only.

Word families, judged by no stemmer: a word belongs to lemma L's family when at least two of
three lexicons that ship their data in a PyPI package (lemminflect, spaCy's lookup tables,
simplemma) give L as a lemma of the word. A family counts when two or more of its forms occur.
"Regular" families are those whose forms all start with the lemma minus its last letter
(plan/planned/planning, spy/spies), i.e. without vowel changes (say/said, build/built), which
no suffix stripper can join. The lexicons vote on the families, so the lemmatisers among the
candidates are judged partly by themselves: read their split counts as a lower bound.

Figures per candidate:
- split: families whose forms get more than one stem (a search for one form misses the others);
- merged lemmas: stems shared by words of different families (derivations such as
  negotiate/negotiation, which a search may welcome, and errors such as news/new);
- wrong merges: of the pairs below, judged by reading (must stay apart), how many share a stem;
- µs a word: stemming every vocabulary word once, uncached.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.analysis import STOPWORDS, TOKEN_PATTERN, fold_word  # noqa: E402

# Pairs that must not share a stem: different meanings, judged by reading. Drawn from the merges
# the candidates made on this vocabulary, the examples, and the classic overstemming
# cases of the Porter stemmer (Porter 1980; Krovetz 1993) and of lemmatising without a POS tag.
MUST_STAY_APART = [
    ("news", "new"), ("us", "use"), ("elect", "electricity"), ("university", "universe"),
    ("several", "severed"), ("important", "import"), ("likely", "like"),
    ("initiative", "initially"), ("responsible", "response"), ("relatively", "relations"),
    ("community", "communism"), ("organization", "organ"), ("generous", "general"),
    ("policy", "police"), ("emergency", "emerge"), ("international", "intern"),
    ("executive", "execute"), ("authority", "author"), ("hardly", "hard"), ("past", "paste"),
    ("left", "leave"), ("found", "find"), ("saw", "see"), ("number", "numb"), ("media", "medium"),
]


def vocabulary(folders: list[Path]) -> collections.Counter:
    """Folded, unstopped, alphabetic words of every article file under ``folders``, counted."""
    token = re.compile(TOKEN_PATTERN)
    counts: collections.Counter = collections.Counter()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".txt", ".md"):
                continue
            for match in token.finditer(path.read_text(encoding="utf-8", errors="replace")):
                word = fold_word(match.group())
                if word.isalpha() and len(word) >= 2 and word not in STOPWORDS:
                    counts[word] += 1
    return counts


def _lemminflect_lemmas() -> Callable[[str], set[str]]:
    import lemminflect

    def lemmas(word: str) -> set[str]:
        return {lemma.lower() for forms in lemminflect.getAllLemmas(word).values() for lemma in forms}
    return lemmas


def _spacy_table() -> dict[str, str]:
    import spacy_lookups_data
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


def _simplemma() -> Callable[[str], str]:
    import simplemma
    return lambda word: simplemma.lemmatize(word, lang="en").lower()


def lexicons() -> dict[str, Callable[[str], set[str]]]:
    """The three lexicons that vote on families (each a word → its lemmas)."""
    table = _spacy_table()
    simple = _simplemma()
    return {"lemminflect": _lemminflect_lemmas(),
            "spacy-lookups-data": lambda word: {table.get(word, word)},
            "simplemma": lambda word: {simple(word)}}


def candidates() -> dict[str, Callable[[], Callable[[str], str]]]:
    """Each candidate's name and a factory of its ``stem(word)``; a factory may raise ImportError."""
    def whoosh_porter():
        from whoosh.lang.porter import stem
        return stem

    def whoosh_porter2():
        from whoosh.lang.porter2 import stem
        return stem

    def nltk_porter():
        from nltk.stem import PorterStemmer
        return PorterStemmer().stem

    def nltk_snowball():
        from nltk.stem import SnowballStemmer
        return SnowballStemmer("english").stem

    def snowball2():
        from snowballstemmer.english_stemmer import EnglishStemmer
        return EnglishStemmer().stemWord

    def snowball2_irregular():
        from search.analysis import IRREGULAR_FORMS
        from snowballstemmer.english_stemmer import EnglishStemmer
        english = EnglishStemmer().stemWord
        return lambda word: english(IRREGULAR_FORMS.get(word, word))

    def pystemmer():
        import Stemmer
        return Stemmer.Stemmer("english").stemWord

    def lemminflect_lemma():
        import lemminflect

        def lemma(word: str) -> str:
            # no POS tag in a query: the verb's lemma first, then the noun's, the adjective's…
            found = lemminflect.getAllLemmas(word)
            for pos in ("VERB", "NOUN", "ADJ", "ADV", "PROPN", "AUX"):
                if pos in found:
                    return found[pos][0].lower()
            return word
        return lemma

    def spacy_lookup():
        table = _spacy_table()
        return lambda word: table.get(word, word)

    def lemmagen():
        import lemmagen3
        return lemmagen3.Lemmatizer("en").lemmatize

    return {"whoosh porter (before)": whoosh_porter, "whoosh porter2": whoosh_porter2,
            "nltk PorterStemmer": nltk_porter, "nltk Snowball english": nltk_snowball,
            "snowballstemmer 2 english (first round)": snowball2,
            "irregular forms + snowballstemmer 2 (chosen)": snowball2_irregular,
            "PyStemmer english (Snowball 3)": pystemmer,
            "lemminflect (lemma)": lemminflect_lemma, "spaCy lookup (lemma)": spacy_lookup,
            "simplemma (lemma)": _simplemma, "lemmagen3 (lemma)": lemmagen}


def families(words: collections.Counter, votes: dict[str, Callable[[str], set[str]]]) -> dict[str, set[str]]:
    """lemma → the forms of it that occur, where two lexicons of three agree; 2+ forms only."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for word in words:
        count: collections.Counter = collections.Counter()
        for lemmas in votes.values():
            count.update(lemmas(word))
        for lemma, n in count.items():
            if n >= 2:
                found[lemma].add(word)
    out = {}
    for lemma, forms in found.items():
        forms = forms | ({lemma} if lemma in words else set())
        if len(forms) >= 2:
            out[lemma] = forms
    return out


def is_regular(lemma: str, forms: set[str]) -> bool:
    return len(lemma) >= 3 and all(form.startswith(lemma[:-1]) for form in forms)


def measure(stem: Callable[[str], str], words: collections.Counter, family: dict[str, set[str]]) -> dict:
    started = time.perf_counter()
    stems = {word: stem(word) for word in words}
    micros = (time.perf_counter() - started) / max(1, len(words)) * 1e6
    split = sorted(lemma for lemma, forms in family.items() if len({stems[f] for f in forms}) > 1)
    lemma_of: dict[str, set[str]] = collections.defaultdict(set)
    for lemma, forms in family.items():
        for form in forms:
            lemma_of[form].add(lemma)
    by_stem: dict[str, list[str]] = collections.defaultdict(list)
    for word in sorted(words):
        by_stem[stems[word]].append(word)
    merged = 0
    for group in by_stem.values():
        groups: list[set[str]] = []  # words joined when their families overlap
        for word in group:
            lemmas = lemma_of.get(word) or {word}
            for g in groups:
                if any(lemmas & (lemma_of.get(other) or {other}) for other in g):
                    g.add(word)
                    break
            else:
                groups.append({word})
        merged += len(groups) > 1
    wrong = [f"{a}/{b}" for a, b in MUST_STAY_APART if stem(a) == stem(b)]
    return {"stems": stems, "split": split, "merged": merged, "wrong": wrong, "micros": micros}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of article files")
    parser.add_argument("--examples", type=int, default=12, help="split families shown per candidate")
    args = parser.parse_args()
    words = vocabulary(args.folders)
    try:
        family = families(words, lexicons())
    except ImportError as error:
        sys.exit(f"the lexicons are needed: pip install lemminflect simplemma spacy-lookups-data ({error})")
    regular = {lemma: forms for lemma, forms in family.items() if is_regular(lemma, forms)}
    print(f"vocabulary: {len(words)} words ({sum(words.values())} occurrences) from "
          f"{', '.join(map(str, args.folders))}")
    print(f"families of 2+ forms: {len(family)}, of which regular: {len(regular)}; "
          f"must-stay-apart pairs: {len(MUST_STAY_APART)}\n")
    print(f"| candidate | split (regular, of {len(regular)}) | split (all, of {len(family)}) "
          f"| merged lemmas | wrong merges (of {len(MUST_STAY_APART)}) | µs a word |")
    print("|---|---|---|---|---|---|")
    details = []
    for name, factory in candidates().items():
        try:
            stem = factory()
        except ImportError as error:
            print(f"| {name} | not installed ({error.name}) | | | | |")
            continue
        result = measure(stem, words, family)
        split_regular = [lemma for lemma in result["split"] if lemma in regular]
        print(f"| {name} | {len(split_regular)} | {len(result['split'])} | {result['merged']} "
              f"| {len(result['wrong'])} | {result['micros']:.1f} |")
        examples = ", ".join("/".join(f"{f}→{result['stems'][f]}" for f in sorted(regular[lemma]))
                             for lemma in split_regular[:args.examples])
        details.append(f"{name}\n  split regular families: {examples or '-'}\n"
                       f"  wrong merges: {', '.join(result['wrong']) or '-'}")
    print("\n" + "\n".join(details))


if __name__ == "__main__":
    main()
