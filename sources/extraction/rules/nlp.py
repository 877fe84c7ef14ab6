"""Sentences and phrase matching for the rule extractor, in plain Python.

Matching runs on a *folded* copy of the text: lower-case, accents removed, the same length
as the original, so every offset found in it is an offset in the source text too.

The extractor once used blank spaCy pipelines for this (a sentencizer and a phrase
matcher, no trained model). Importing spaCy alone took half a second, more than the rest of
a command's start, for work that two regular expressions do: a sentence ends at a full
stop, question or exclamation mark closing a word, and a term matches where it stands
between non-alphanumeric characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

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


# A sentence ends at a full stop (not one of "...", "3.082" or "gob.pe"), a question or an
# exclamation mark that closes a word, with the closing quotes or brackets after it; an opening
# one goes with the next sentence ('record." The', 'said. "We', 'litoral. «Las').
_SENTENCE_END = re.compile(r"(?:(?<!\.)\.(?!\.)|[!?]+)[\"'”’»)\]]*(?=\s|$)")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if not text[start:end].strip():
            continue
        if spans and _ABBREVIATION_END.search(text[spans[-1][0] : spans[-1][1]].rstrip()):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        start = end
    if text[start:].strip():
        if spans and _ABBREVIATION_END.search(text[spans[-1][0] : spans[-1][1]].rstrip()):
            spans[-1] = (spans[-1][0], len(text))
        else:
            spans.append((start, len(text)))
    return spans


def parse(text: str, language: str) -> Document:
    folded = fold(text)
    sentences = []
    paragraph = 0
    for sent_start, sent_end in _sentence_spans(folded):
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
    return Document(text=text, folded=folded, language=language, sentences=sentences)


@cache
def terms_pattern(terms: frozenset[str]) -> re.Pattern:
    """One alternation of `terms` (folded), longest first, each matching only as whole words
    or numbers: the longest term wins where two start at the same place."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")


def find_terms(document: Document, terms) -> list[tuple[int, int, str]]:
    """Every occurrence of one of `terms` as (start, end, folded term), the longest where two
    overlap, the earlier where two cross."""
    pattern = terms_pattern(frozenset(fold(term) for term in terms))
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(document.folded)]


def has_any(text: str, words) -> bool:
    """Whether `text` (folded) holds one of `words` as whole words."""
    return words_pattern(frozenset(words)).search(text) is not None


@cache
def words_pattern(words: frozenset[str]) -> re.Pattern:
    # One compiled alternation per word list: compiling a pattern per word per sentence
    # overflowed re's cache and dominated the extractor's time.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
