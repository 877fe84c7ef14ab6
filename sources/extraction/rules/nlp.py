"""Blank spaCy pipelines (no trained model: nothing to download) with rule matchers.

Matching runs on a *folded* copy of the text: lower-case, accents removed, the same length
as the original, so every offset found in it is an offset in the source text too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

LANGUAGES = ("en", "es", "pt")

_STOPWORDS = {
    "en": {"the", "of", "and", "was", "were", "with", "from", "by", "in", "on", "at", "said", "police"},
    "es": {"el", "la", "los", "las", "de", "del", "y", "en", "con", "por", "que", "fue", "fueron", "policia"},
    "pt": {"o", "a", "os", "as", "do", "da", "dos", "das", "em", "no", "na", "com", "foi", "que", "policia"},
}


def fold_char(char: str) -> str:
    if char == "#":
        return " "  # "#DIRANDRO", "#PNP": a hashtag is the word
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, keeping its length (ñ -> n, É -> e)."""
    return "".join(fold_char(c) for c in text)


def guess_language(text: str) -> str:
    """English, Spanish or Portuguese, from the commonest short words; English by default.
    Ingestion detects languages properly; this keeps the extractor usable on its own."""
    words = re.findall(r"[a-z]+", fold(text[:4000]))
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    # Portuguese and Spanish share many words; these are telling.
    scores["pt"] += 3 * sum(1 for w in words if w in {"nao", "foi", "pela", "pelo", "uma", "em", "ao", "sao"})
    scores["es"] += 3 * sum(1 for w in words if w in {"el", "los", "del", "fueron", "una", "y"})
    return max(scores, key=lambda lang: (scores[lang], lang == "en"))


@cache
def pipeline(language: str):
    nlp = spacy.blank(language if language in LANGUAGES else "en")
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str  # the folded text of the sentence
    paragraph: int


@dataclass
class Document:
    text: str  # as given
    folded: str
    language: str
    doc: Doc
    sentences: list[Sentence]

    def sentence_at(self, offset: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return self.sentences[-1]


# Abbreviations after which a full stop does not end the sentence ("on Dec. 29", "Gen. Del
# Castillo", "U.S. Coast Guard").
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|ene|abr|ago|dic|dez|fev|out|set|gen|gral|"
    r"col|cap|capt|lt|sgt|sr|sra|dr|dra|mr|mrs|ms|st|no|nos|num|aprox|approx|vs|etc|inc|co|av|ave)|\b[a-z])\.$"
)


def _sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        if spans and _ABBREVIATION_END.search(doc.text[spans[-1][0] : spans[-1][1]].rstrip()):
            spans[-1] = (spans[-1][0], sent.end_char)
        else:
            spans.append((sent.start_char, sent.end_char))
    return spans


def parse(text: str, language: str) -> Document:
    folded = fold(text)
    doc = pipeline(language)(folded)
    sentences = []
    paragraph = 0
    for sent_start, sent_end in _sentence_spans(doc):
        # A line break always ends a sentence (headlines, social posts, bulleted releases).
        start = sent_start
        for piece in re.split(r"(\n+)", folded[sent_start:sent_end]):
            if piece.startswith("\n"):
                paragraph += 1
            elif piece.strip():
                lead = len(piece) - len(piece.lstrip())
                stripped = piece.strip()
                s = start + lead
                sentences.append(Sentence(len(sentences), s, s + len(stripped), stripped, paragraph))
            start += len(piece)
    return Document(text=text, folded=folded, language=language, doc=doc, sentences=sentences)


@cache
def phrase_matcher(language: str, name: str, terms: tuple[str, ...]) -> PhraseMatcher:
    nlp = pipeline(language)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add(name, [nlp.make_doc(fold(term)) for term in terms])
    return matcher


def find_terms(document: Document, name: str, terms) -> list[tuple[int, int, str]]:
    """Every occurrence of one of `terms` as (start, end, folded term), longest first where
    two overlap."""
    matcher = phrase_matcher(document.language, name, tuple(sorted(set(terms))))
    spans = [document.doc[s:e] for _, s, e in matcher(document.doc)]
    spans.sort(key=lambda span: (span.start_char, -(span.end_char - span.start_char)))
    found, last_end = [], -1
    for span in spans:
        if span.start_char >= last_end:
            found.append((span.start_char, span.end_char, span.text))
            last_end = span.end_char
    return found


def has_any(text: str, words) -> bool:
    """Whether `text` (folded) holds one of `words` as whole words."""
    return words_pattern(frozenset(words)).search(text) is not None


@cache
def words_pattern(words: frozenset[str]) -> re.Pattern:
    # One compiled alternation per word list: compiling a pattern per word per sentence
    # overflowed re's cache and dominated the extractor's time.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
