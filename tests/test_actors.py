"""Actor extraction and resolution, one rule per test, on small texts written here.

Most tests use the shipped place gazetteer only (``from_seeds(None)``), so that what passes
is the general pipeline and not the curated dictionary; the dictionary tests say so.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from search.actors.extractor import ActorExtractor
from search.records import Document, Paragraph

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_document(*texts: str, doc_id: str = "doc") -> Document:
    paragraphs = tuple(Paragraph(f"{doc_id}-p{i}", doc_id, i, "body", None, text, i)
                       for i, text in enumerate(texts, start=1))
    return Document(doc_id, f"{doc_id}.txt", None, None, None, None, None, paragraphs)


@pytest.fixture(scope="module")
def plain() -> ActorExtractor:
    """The general pipeline: shipped gazetteer, no curated dictionary."""
    return ActorExtractor.from_seeds(None)


@pytest.fixture(scope="module")
def curated() -> ActorExtractor:
    return ActorExtractor.from_seeds(SEEDS)


def mentions(extractor: ActorExtractor, *texts: str) -> list[list[tuple[str, str, str]]]:
    """(canonical name, type, surface) per paragraph, in text order."""
    found = extractor.extract_document(make_document(*texts))
    return [[(m.name, m.type, m.surface) for m in ms] for ms in found.values()]


def names(extractor: ActorExtractor, *texts: str) -> list[list[str]]:
    return [[name for name, _t, _s in para] for para in mentions(extractor, *texts)]


# --- resolution rules ----------------------------------------------------------------------

def test_honorific_and_surname_resolve_to_the_full_name(plain):
    found = mentions(plain, "Raila Odinga lost the vote.",
                     "Mr Odinga appealed. President Odinga was never his title.")
    assert found[0] == [("Raila Odinga", "person", "Raila Odinga")]
    assert found[1] == [("Raila Odinga", "person", "Mr Odinga"),
                        ("Raila Odinga", "person", "President Odinga")]


def test_surname_alone_after_the_full_name(plain):
    assert names(plain, "Wafula Chebukati declared the result.",
                 "Critics said Chebukati had acted alone.") == [["Wafula Chebukati"], ["Wafula Chebukati"]]


def test_accent_variants_take_the_accented_spelling(plain):
    found = names(plain, "Nicolas Maduro spoke first.", "Then Nicolás Maduro spoke again, and Maduro left.")
    assert found == [["Nicolás Maduro"], ["Nicolás Maduro", "Nicolás Maduro"]]


def test_accent_variants_across_articles_get_one_spelling(plain):
    a = make_document("Ivan Stefanec led the observers.", doc_id="a")
    b = make_document("Ivan Štefanec praised the commission.", doc_id="b")
    found = plain.extract_corpus([a, b])
    assert {m.name for ms in found.values() for m in ms} == {"Ivan Štefanec"}


def test_possessive_is_not_part_of_the_name(plain):
    found = mentions(plain, "Javier Milei spoke.", "Mr Milei’s sister and Milei's rivals listened.")
    assert found[1] == [("Javier Milei", "person", "Mr Milei"), ("Javier Milei", "person", "Milei")]


def test_acronym_in_brackets_joins_its_expansion(plain):
    found = names(plain, "Wafula Chebukati chairs the Independent Electoral and Boundaries "
                         "Commission (IEBC).", "The IEBC published the results.")
    assert found[1] == ["Independent Electoral and Boundaries Commission"]
    assert found[0][-1] == "Independent Electoral and Boundaries Commission"


def test_acronym_matching_the_initials_joins_the_expansion(plain):
    assert names(plain, "The World Food Programme sent food.", "The WFP is busy.") == \
        [["World Food Programme"], ["World Food Programme"]]


def test_the_article_s_expansion_beats_the_dictionary_s(curated):
    # the curated ANC is Venezuela's Constituent Assembly, but only in articles about Venezuela
    assert names(curated, "The African National Congress (ANC) lost its majority.",
                 "The ANC must find a partner.") == \
        [["African National Congress", "African National Congress"], ["African National Congress"]]


def test_acronym_joins_its_expansion_across_articles(plain):
    a = make_document("Argentina owes the International Monetary Fund $44bn.", doc_id="a")
    b = make_document("The IMF lent Kenya money.", doc_id="b")
    found = plain.extract_corpus([a, b])
    assert [m.name for m in found["b-p1"]] == ["International Monetary Fund", "Kenya"]


def test_dictionary_acronyms_and_short_forms(curated):
    found = names(curated, "The Supreme Tribunal of Justice in Caracas ruled.",
                  "The TSJ also ordered the GNB to stand down.",
                  "The EU and the European Union are one actor.")
    assert found[0] == ["Supreme Tribunal of Justice", "Caracas"]
    assert found[1] == ["Supreme Tribunal of Justice", "National Guard"]
    assert found[2] == ["European Union", "European Union"]


def test_short_form_of_an_organisation_joins_the_long_form(plain):
    assert names(plain, "The National Constituent Assembly met.", "The Constituent Assembly voted.") == \
        [["National Constituent Assembly"], ["National Constituent Assembly"]]


def test_lopez_and_padrino_lopez_resolve_by_article(plain):
    found = names(plain,
                  "Leopoldo López escaped. Defence Minister Vladimir Padrino López stayed loyal.",
                  "Mr López is at the embassy. General Padrino López spoke. General Padrino left.")
    assert found[0] == ["Leopoldo López", "Vladimir Padrino López"]
    assert found[1] == ["Leopoldo López", "Vladimir Padrino López", "Vladimir Padrino López"]


def test_capriles_resolves_by_article(curated):
    # Henrique Capriles is in the curated dictionary; the article's own full name wins.
    a = make_document("“It is over,” says Colette Capriles, a political scientist.",
                      "Capriles thinks the regime will split.", doc_id="a")
    b = make_document("Henrique Capriles backed the deal.", "Mr Capriles was a candidate.", doc_id="b")
    found = curated.extract_corpus([a, b])
    assert [m.name for m in found["a-p2"]] == ["Colette Capriles"]
    assert [m.name for m in found["b-p2"]] == ["Henrique Capriles"]


def test_hernandez_resolves_to_the_right_person(plain):
    found = names(plain, "General Iván Hernández Dala heads military intelligence.",
                  "“Enough,” says Annabel Hernández, an artist. Ms Hernández paints.",
                  "Hernández Dala kept quiet.")
    assert found == [["Iván Hernández Dala"], ["Annabel Hernández", "Annabel Hernández"],
                     ["Iván Hernández Dala"]]


def test_people_sharing_a_surname_are_never_merged(plain):
    found = names(plain, "The outgoing president, Uhuru Kenyatta, is the son of Jomo Kenyatta.",
                  "Mr Kenyatta cannot run again.")
    assert found == [["Uhuru Kenyatta", "Jomo Kenyatta"], ["Uhuru Kenyatta"]]


def test_a_title_tells_mr_from_ms_with_one_surname(plain):
    found = names(plain, "Javier Milei leads. His sister, Karina Milei, runs the campaign.",
                  "Ms Milei rarely speaks; Mr Milei rarely stops.")
    assert found[1] == ["Karina Milei", "Javier Milei"]


def test_paternal_surname_of_a_married_name(plain):
    found = names(plain, "President Alberto Fernández and Cristina Fernández de Kirchner met.",
                  "Ms Fernández left early.")
    assert found[1] == ["Cristina Fernández de Kirchner"]


def test_generational_suffix_is_not_the_surname(plain):
    found = names(plain, "Ferdinand Marcos Jr won. The elder Ferdinand Marcos ruled for decades.",
                  "Mr Marcos thanked voters.")
    assert found == [["Ferdinand Marcos Jr", "Ferdinand Marcos"], ["Ferdinand Marcos Jr"]]


def test_umlaut_written_as_two_letters_is_the_same_person(plain):
    assert names(plain, "Markus Söder leads Bavaria.", "Mr Soeder wants more.") == \
        [["Markus Söder", "Bavaria"], ["Markus Söder"]]


def test_a_place_name_is_a_surname_after_that_person_is_named(plain):
    # "Falcón" is not in the gazetteer, "Santiago" is: the full name wins in both cases.
    assert names(plain, "Santiago Peña won in Paraguay.", "Peña thanked Santiago.") == \
        [["Santiago Peña", "Paraguay"], ["Santiago Peña", "Santiago"]]


def test_titled_surname_with_no_full_name_stays_one_actor(plain):
    found = names(plain, "Mr Zambrano was arrested.", "Zambrano had no immunity.")
    assert found == [["Zambrano"], ["Zambrano"]]


def test_lone_surname_joins_the_one_full_name_in_the_corpus(plain):
    a = make_document("Edgar Zambrano was arrested.", doc_id="a")
    b = make_document("Mr Zambrano was taken away.", doc_id="b")
    found = plain.extract_corpus([a, b])
    assert [m.name for m in found["b-p1"]] == ["Edgar Zambrano"]


def test_titles_are_not_part_of_the_name(plain):
    found = mentions(plain, "Secretary of State Mike Pompeo met Lieutenant-Colonel Hugo Chávez.")
    assert [(n, t) for n, t, _s in found[0]] == [("Mike Pompeo", "person"), ("Hugo Chávez", "person")]


def test_person_of_an_organisation_is_split(plain):
    assert names(plain, "Juan González of the National Security Council flew in.") == \
        [["Juan González", "National Security Council"]]


def test_first_name_that_is_also_a_city(plain):
    # Vladimir and Santiago are cities in the gazetteer.
    assert names(plain, "Vladimir Putin spoke to Santiago Peña.") == [["Vladimir Putin", "Santiago Peña"]]


# --- places and organisations --------------------------------------------------------------

@pytest.mark.parametrize("text", ["The U.S. acted.", "The US acted.", "The United States acted.",
                                  "America acted."])
def test_forms_of_united_states(plain, text):
    assert names(plain, text) == [["United States"]]


def test_washington_dc_is_one_mention(plain):
    assert mentions(plain, "A think-tank in Washington, DC, said so.") == \
        [[("Washington, DC", "place", "Washington, DC")]]


def test_place_heads_and_context_make_places(plain):
    assert names(plain, "He spoke in the province of Jujuy and at Plaza Altamira.") == \
        [["Jujuy", "Plaza Altamira"]]


def test_region_words_and_articles_make_places(plain):
    assert names(plain, "He flew from the Western Cape to Ilocos Norte via La Carlota.") == \
        [["Western Cape", "Ilocos Norte", "La Carlota"]]


def test_appositives_and_defined_acronyms_type_a_name(plain):
    found = mentions(plain, "Verkhovna Rada, Ukraine's parliament, met. The Economic Freedom "
                            "Fighters (EFF) walked out. In Los Roques, a Caribbean archipelago, "
                            "nothing happened.")
    assert [(n, t) for n, t, _s in found[0]] == [
        ("Verkhovna Rada", "org"), ("Ukraine", "place"), ("Economic Freedom Fighters", "org"),
        ("Economic Freedom Fighters", "org"), ("Los Roques", "place"), ("Caribbean", "place")]


def test_organisation_of_a_place_is_one_org(plain):
    assert names(plain, "The Electoral Commission of South Africa and the Commission on "
                        "Elections counted.") == \
        [["Electoral Commission of South Africa", "Commission on Elections"]]


def test_organisation_heads_and_acronyms_make_orgs(plain):
    found = mentions(plain, "The Lima Group and the Washington Post praised INDEC, while "
                            "Datanalisis, a polling firm, did not.")
    assert [(n, t) for n, t, _s in found[0]] == [
        ("Lima Group", "org"), ("Washington Post", "org"), ("INDEC", "org"), ("Datanalisis", "org")]


def test_appositive_noun_after_a_preposition_does_not_type_the_name(plain):
    found = mentions(plain, "“The water pans are dry,” said Amina Wario, a herder near Marsabit town.")
    assert ("Amina Wario", "person") in [(n, t) for n, t, _s in found[0]]


def test_spanish_palace_heads_make_places(plain):
    found = mentions(plain, "Patience in the Casa Rosada is not unlimited.")
    assert [(n, t) for n, t, _s in found[0]] == [("Casa Rosada", "place")]


@pytest.mark.parametrize("text, places", [
    # issue 15: "Gulf" alone is the Persian Gulf; qualified by another name it is another place
    ("It could be sold to U.S. Gulf Coast refineries, as the refineries want.",
     ["United States", "Gulf Coast"]),
    ("The tanker sailed from the Mexican Gulf.", ["Mexican Gulf"]),
    ("Tankers crossed the Gulf last week.", ["Persian Gulf"]),
    ("Gulf Arab states met in Riyadh.", ["Persian Gulf", "Riyadh"]),
    ("Oil from the Gulf of Mexico.", ["Gulf of Mexico"]),
])
def test_a_bare_head_alias_names_its_place_only_when_nothing_qualifies_it(plain, text, places):
    assert [name for name, kind, _ in mentions(plain, text)[0] if kind == "place"] == places


def test_the_seed_paragraph_on_gulf_coast_refineries_names_no_persian_gulf(seed_client):
    from conftest import search
    hits = [hit for hit in search(seed_client, q='"Gulf Coast"', per_page=100)["hits"]]
    assert len(hits) == 2
    for hit in hits:
        assert "Persian Gulf" not in hit["places"], hit["places"]
        assert "United States" in hit["places"]


# --- not actors ----------------------------------------------------------------------------

def test_sentence_initial_words_are_not_actors(plain):
    assert names(plain, "Overtures to Cuba seem to be multiplying. Perhaps Guyana will act.",
                 "Still, nobody knows.") == [["Cuba", "Guyana"], []]


def test_role_references_are_not_actors(plain):
    assert names(plain, "The defence minister and the president of the court met the chief justice.") == [[]]


def test_months_and_weekdays_are_not_actors(plain):
    assert names(plain, "On May 2nd, on Tuesday and in April, nothing happened. May Day came.") == [[]]


def test_demonyms_are_not_actors(plain):
    assert names(plain, "Cuban spies and Venezuelan officials met Latin American diplomats.") == [[]]


def test_photo_credits_are_not_actors(plain):
    assert names(plain, "Soldiers stand guard in Caracas, May 2019. REUTERS/Carlos Garcia Rawlins") == \
        [["Caracas"]]


def test_shouted_openings_are_not_acronyms(plain):
    assert names(plain, "THESE ARE times of turmoil in Venezuela, and these are hard times.") == \
        [["Venezuela"]]


# --- the record contract -------------------------------------------------------------------

def test_offsets_point_at_the_surface(plain):
    doc = make_document("Mr Maduro met Juan Guaidó’s deputy, Edgar Zambrano, in Caracas.")
    for mention in plain.extract_document(doc)["doc-p1"]:
        assert doc.paragraphs[0].text[mention.start:mention.end] == mention.surface


def test_every_paragraph_has_an_entry(plain):
    doc = make_document("Nothing named here.", "Caracas.")
    assert list(plain.extract_document(doc)) == ["doc-p1", "doc-p2"]


def test_seed_corpus_extracts_in_well_under_a_second(curated):
    ingest = pytest.importorskip("search.ingest")
    documents = ingest.ingest_seeds(SEEDS).documents
    start = time.perf_counter()
    curated.extract_corpus(documents)
    assert time.perf_counter() - start < 1.0
