"""Sentences and phrase matching on the folded text: the ground every rule stands on."""

import pytest

from sources.extraction.rules.nlp import find_terms, fold, parse


def sentences(text, language="en"):
    return [text[s.start : s.end] for s in parse(text, language).sentences]


def test_folding_keeps_the_length_so_offsets_are_the_sources():
    text = "Incautación en Perú: 3.082 KG de cocaína"

    assert fold(text) == "incautacion en peru: 3.082 kg de cocaina"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police seized 3.082 kg. Two men were held.", ["Police seized 3.082 kg.", "Two men were held."]),
        ("Was it cocaine? Yes! The lab said so.", ["Was it cocaine?", "Yes!", "The lab said so."]),
        # Numbers, addresses and ellipses hold no sentence end.
        ("See policia.gob.pe for 1.5 t... and more.", ["See policia.gob.pe for 1.5 t... and more."]),
        # Abbreviations and initials do not end a sentence.
        (
            "On Dec. 29 Gen. Del Castillo met Joseph V. Martella at 5:30 a.m., then left.",
            ["On Dec. 29 Gen. Del Castillo met Joseph V. Martella at 5:30 a.m., then left."],
        ),
        # A closing quote stays with its sentence, an opening one goes with the next.
        (
            'It was a record," the captain said. "We found it at dawn."',
            ['It was a record," the captain said.', '"We found it at dawn."'],
        ),
        ("del litoral. «Las redes usan el puerto».", ["del litoral.", "«Las redes usan el puerto»."]),
        # A line break always ends one: headlines, posts, bullets.
        ("Record seizure\nPolice found 2 t\n\n- 3 held", ["Record seizure", "Police found 2 t", "- 3 held"]),
        # An emoji after the last full stop is a sentence of its own, not part of the last.
        ("Foram presos três homens. 💪 #PRF", ["Foram presos três homens.", "💪 #PRF"]),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_sentences_count_paragraphs_and_are_folded():
    document = parse("Titular\n\nLa Policía halló 20 kg. Fueron detenidos dos.", "es")

    assert [(s.paragraph, s.text) for s in document.sentences] == [
        (0, "titular"),
        (1, "la policia hallo 20 kg."),
        (1, "fueron detenidos dos."),
    ]


def test_terms_match_whole_words_only_and_the_longest_wins():
    text = "Se halló pasta-base de cocaína y cocaínas; no cocainómanos."

    found = find_terms(parse(text, "es"), ["cocaína", "cocaina", "base de cocaina", "cocainas"])

    assert [(text[s:e], term) for s, e, term in found] == [
        ("base de cocaína", "base de cocaina"),
        ("cocaínas", "cocainas"),
    ]


def test_terms_are_found_beside_punctuation_and_figures_but_not_inside_words():
    text = "(PNP), #Dirandro/PNP's men; PNPX, xpnp and PNP2 are not it."

    found = find_terms(parse(text, "en"), ["pnp", "dirandro"])

    assert [(s, text[s:e]) for s, e, _ in found] == [(1, "PNP"), (8, "Dirandro"), (17, "PNP")]


def test_a_multi_word_term_needs_its_words_in_one_line():
    text = "Policía Nacional\ndel Perú; la Policía Nacional del Perú"

    found = find_terms(parse(text, "es"), ["policia nacional del peru"])

    assert [s for s, _, _ in found] == [text.rindex("Policía")]
