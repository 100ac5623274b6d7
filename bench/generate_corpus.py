"""Deterministic synthetic news corpus for benchmarks and load tests, made from the seeds.

Usage: ``python bench/generate_corpus.py --paragraphs N --out DIR [--seed S]``

Writes ``DIR/art-NNNNNN.txt`` (one article a file, blank-line separated paragraphs) and
``DIR/catalog.toml`` (title, publication, date of each), so that timing a build of DIR times the
real ingest and actor extraction path. Text is resampled from the seed articles: sentences are
drawn with Zipf-like weights, a share of their words swapped for Zipf-drawn corpus words, and
actor sentences name people (seed actors plus names made from first/last name pools) and places
(from the shipped gazetteer) with Zipf-like frequencies. ~20 paragraphs an article, dates
2000-2025, twelve publications. Same seed, same corpus, byte for byte.
"""
from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.ingest.articles import ingest_seeds  # noqa: E402

PUBLICATIONS = ["The Economist", "Stabroek News", "International Crisis Group", "El Nacional",
                "The Guardian", "Reuters", "Associated Press", "El País", "Le Monde",
                "Financial Times", "Folha de São Paulo", "La Nación"]
FIRST_NAMES = ["María", "José", "Luis", "Ana", "Carlos", "Juan", "Lucía", "Andrés", "Sofía",
               "Diego", "Camila", "Jorge", "Valentina", "Ramón", "Inés", "Tomás", "Elena", "Pedro",
               "Gabriela", "Héctor", "Julia", "Miguel", "Rosa", "Fernando", "Clara", "Óscar",
               "Daniela", "Raúl", "Teresa", "Simón", "Adriana", "Víctor", "Paula", "Rafael",
               "Marta", "Iván", "Beatriz", "Alberto", "Natalia", "Sergio"]
LAST_NAMES = ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
              "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes",
              "Morales", "Cruz", "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Álvarez",
              "Mendoza", "Castillo", "Jiménez", "Vargas", "Romero", "Herrera", "Medina",
              "Aguilar", "Castro", "Núñez", "Salazar", "Peña", "Ibáñez", "Fuentes", "Rojas",
              "Acosta", "Quintero", "Benítez", "Carrasco", "Escobar", "Valdés", "Montoya"]
PERSON_FRAMES = ["{p} said on Tuesday that {place} would not give way.",
                 "According to {p}, the talks in {place} were going nowhere.",
                 "{p} met {q} in {place} to discuss the crisis.",
                 "“We will not accept this,” said {p}, speaking in {place}.",
                 "Mr {last} has argued that the sanctions hurt ordinary people in {place}.",
                 "Ms {last} told reporters in {place} that {q} had been informed."]
N_MADE_UP_PEOPLE = 300
PARAGRAPHS_PER_ARTICLE = (12, 28)
SENTENCE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“])")
WORD = re.compile(r"[A-Za-z]{4,}")


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative weights where rank r weighs 1/r^s: a few items very frequent, a long tail."""
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


def seed_material(seeds_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """Sentences and lower-case words of the seed articles, and the seed actors' names."""
    documents = ingest_seeds(seeds_dir).documents
    sentences: list[str] = []
    for document in documents:
        for paragraph in document.paragraphs:
            if paragraph.kind == "body":
                sentences += [s.strip() for s in SENTENCE.split(paragraph.text) if len(s.split()) >= 5]
    words = sorted({w for s in sentences for w in WORD.findall(s) if w.islower()})
    actors_file = seeds_dir / "actors.toml"
    seed_people = []
    if actors_file.is_file():
        data = tomllib.loads(actors_file.read_text(encoding="utf-8"))
        seed_people = [a["name"] for a in data.get("actor", []) if a.get("type") == "person"]
    return sentences, words, seed_people


def place_names() -> list[str]:
    path = ROOT / "search" / "actors" / "data" / "places.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return sorted({row[1] for row in rows if len(row) >= 3 and row[2].strip() in ("country", "capital", "city")})


def generate(paragraphs: int, out: Path, seed: int = 7, seeds_dir: Path = ROOT / "seeds") -> int:
    """Write about ``paragraphs`` paragraphs as articles + catalog.toml into ``out``; return
    the number of articles."""
    rng = random.Random(seed)
    sentences, words, seed_people = seed_material(seeds_dir)
    rng.shuffle(sentences)
    rng.shuffle(words)
    made_up = sorted({f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                      for _ in range(N_MADE_UP_PEOPLE * 2)})[:N_MADE_UP_PEOPLE]
    people = seed_people + made_up
    rng.shuffle(people)
    places = place_names()
    rng.shuffle(places)
    places = places[:400]
    sentence_w = zipf_weights(len(sentences), 0.6)
    word_w = zipf_weights(len(words), 1.05)
    people_w = zipf_weights(len(people), 1.1)
    places_w = zipf_weights(len(places), 1.1)
    out.mkdir(parents=True, exist_ok=True)
    catalog = ["# Synthetic benchmark corpus (bench/generate_corpus.py); do not edit.", ""]
    written = 0
    article = 0
    while written < paragraphs:
        n = min(rng.randint(*PARAGRAPHS_PER_ARTICLE), paragraphs - written)
        body = []
        for _ in range(n):
            parts = []
            for _ in range(rng.randint(2, 5)):
                if rng.random() < 0.35:
                    p, q = rng.choices(people, cum_weights=people_w, k=2)
                    frame = rng.choice(PERSON_FRAMES)
                    parts.append(frame.format(p=p, q=q, last=p.split()[-1],
                                              place=rng.choices(places, cum_weights=places_w)[0]))
                    continue
                sentence = rng.choices(sentences, cum_weights=sentence_w)[0].split(" ")
                for i in range(len(sentence)):
                    if rng.random() < 0.15 and sentence[i].isalpha() and sentence[i].islower():
                        sentence[i] = rng.choices(words, cum_weights=word_w)[0]
                parts.append(" ".join(sentence))
            body.append(" ".join(parts))
        name = f"art-{article:06d}.txt"
        (out / name).write_text("\n\n".join(body) + "\n", encoding="utf-8")
        title_words = rng.choices(words, cum_weights=word_w, k=rng.randint(3, 7))
        title = " ".join(title_words).capitalize() + " in " + rng.choices(places, cum_weights=places_w)[0]
        year = rng.randint(2000, 2025)
        catalog += ["[[article]]", f'file = "{name}"', f'title = "{title}"',
                    f'publication = "{rng.choice(PUBLICATIONS)}"',
                    f'date = "{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"', ""]
        written += n
        article += 1
    (out / "catalog.toml").write_text("\n".join(catalog), encoding="utf-8")
    return article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = generate(args.paragraphs, args.out, args.seed)
    print(f"wrote {args.paragraphs} paragraphs in {articles} articles to {args.out}")


if __name__ == "__main__":
    main()
