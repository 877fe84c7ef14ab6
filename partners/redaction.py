"""Withholding detainees' names from what keys without the personal-data scope are served.

Names are matched word by word after folding (`fold`: no accents, no case, so "HUAMAN" is
"Huamán"), on the words of the original text, so that what is withheld is cut out of the text
as written and the rest is left alone. A name is withheld whole, and so is each distinctive
word of it alone (reports name a person in full once, then by surname); so is an age written
next to a withheld name ("Huamán, 34,", "Huamán (34)", "34-year-old ... Huamán", "de 34
años"). A URL that carries a name is cut back to its site, or not served at all if the name
is in the host name (`Names.withhold_url`).

Which names a text is withheld of is the caller's choice (`partners.publication`): those of
the detainees of its operation and of every operation citing the same sources.
"""

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus, urlsplit

from unidecode import unidecode

WITHHELD = "[name withheld]"
AGE_WITHHELD = "[age withheld]"

# Words of a name too common to withhold alone ("de" in "Juan de la Cruz"); they are still
# withheld inside the whole name.
PARTICLES = frozenset("de del la las los da das do dos di du des der den van von ter ten le y e el al bin ibn".split())
# In a URL, a distinctive word of at least this many letters is also looked for inside the
# URL's words: slugs run names together ("rosaelvirahuaman").
_RUN_TOGETHER_MIN = 4

# A word: letters and digits, with the combining marks of a decomposed letter ("a" + U+0301)
# and the invisible characters that may sit inside a word as pasted from a web page (soft
# hyphen, zero-width space and joiners, word joiner): "Hua\u00adman" is one word.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200b-\u200d\u2060\ufeff"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*")
# Between the parts of one word of a name: "O'Neill", "Jean-Luc".
_IN_A_WORD = re.compile(r"[\-'’]+")
# What may stand between two words of one name as written: "J. Pérez", "Huamán-Torres".
_IN_A_NAME = re.compile(r"[\s\-_.'’]*")
# What may stand between two withheld words for them to read as one name.
_BETWEEN_NAMES = re.compile(r"[\s\-_]*")

_AGE_WORDS = r"(?:years?(?:[\s-]+old)?|yrs?|años|anos|ans)(?:\s+de\s+edad)?"
# Ages after a name: "Huamán, 34,", "Huamán, 34 años", "Huamán, aged 34", "Huamán, de 34
# años", "Huamán (34)", "Huamán de 34 años". A bare number after a comma only if nothing but
# punctuation follows it ("Huamán, 34 kilograms" is not an age).
_AGE_AFTER = re.compile(
    rf"""(?P<lead>\s*,\s*)(?P<age>(?:aged\s+|de\s+)?\d{{1,3}}\s*{_AGE_WORDS}|aged\s+\d{{1,3}}|\d{{1,3}}(?=\s*(?:[,;.)]|$)))
    |(?P<plead>\s*\(\s*)(?P<page>\d{{1,3}}(?:\s*{_AGE_WORDS})?)(?=\s*\))
    |(?P<slead>\s+)(?P<sage>de\s+\d{{1,3}}\s+(?:años|anos)(?:\s+de\s+edad)?|aged\s+\d{{1,3}})""",
    re.IGNORECASE | re.VERBOSE,
)
# Ages before a name, with up to three words between: "a 34-year-old Colombian courier, Huamán".
_AGE_BEFORE = re.compile(
    r"(?P<age>\d{1,3}[\s-]+years?[\s-]+old|(?:de\s+)?\d{1,3}\s+(?:años|anos)(?:\s+de\s+edad)?)"
    r"(?:[\s,]+[^\W\d_]+){0,3}[\s,]+$",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Text as words are compared: without accents, case, or ligatures ("Æ" is "ae")."""
    return unidecode(unicodedata.normalize("NFC", text)).casefold()


def fold_word(word: str) -> str:
    return "".join(ch for ch in fold(word) if ch.isalnum())


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded) of each word of `text`, offsets in `text` itself."""
    found = []
    for match in _WORD.finditer(text):
        folded = fold_word(match.group())
        if folded:
            found.append((match.start(), match.end(), folded))
    return found


def compounds(name: str) -> list[tuple[str, ...]]:
    """The runs of words of `name` joined by hyphens or apostrophes only, folded."""
    runs, run, last_end = [], [], None
    for start, end, folded in words(name):
        if run and not _IN_A_WORD.fullmatch(name, last_end, start):
            runs.append(run)
            run = []
        run.append(folded)
        last_end = end
    runs.append(run)
    return [tuple(run) for run in runs if len(run) > 1]


def distinctive(folded: str) -> bool:
    """Whether a word of a name is withheld alone: not an initial, a number or a particle."""
    return len(folded) > 1 and not folded.isdigit() and folded not in PARTICLES


class Names:
    """The names to withhold from a text, matched as `fold` compares them."""

    def __init__(self, names: Iterable[str]):
        self.whole: dict[str, set[tuple[str, ...]]] = {}  # whole names, by their first word
        self.distinctive: set[str] = set()
        for name in names:
            sequence = tuple(folded for _, _, folded in words(name or ""))
            if not sequence:
                continue
            self.whole.setdefault(sequence[0], set()).add(sequence)
            self.distinctive.update(word for word in sequence if distinctive(word))
            # "O'Neill" and "Jean-Luc" are also written as one word ("ONeill", a slug's
            # "jeanluc"), and "O'Neill" alone is a surname: its "O" is not an initial there.
            for compound in compounds(name):
                self.whole.setdefault(compound[0], set()).add(compound)
                self.distinctive.add("".join(compound))
        self.run_together = {word for word in self.distinctive if len(word) >= _RUN_TOGETHER_MIN}

    def __bool__(self):
        return bool(self.whole)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where names are in `text`: (start, end), sorted, runs of name words as one."""
        found = words(text)
        spans = [(start, end) for start, end, folded in found if folded in self.distinctive]
        for i, (start, _, folded) in enumerate(found):
            for sequence in self.whole.get(folded, ()):
                candidate = found[i : i + len(sequence)]
                if tuple(w for _, _, w in candidate) == sequence and all(
                    _IN_A_NAME.fullmatch(text, a[1], b[0]) for a, b in zip(candidate, candidate[1:], strict=False)
                ):
                    spans.append((start, candidate[-1][1]))
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and (start <= merged[-1][1] or _BETWEEN_NAMES.fullmatch(text, merged[-1][1], start)):
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(start, end) for start, end in merged]

    def withhold(self, text: str) -> str:
        """`text` with each name, and each age written next to one, replaced by a marker."""
        if not text or not self:
            return text
        cuts: list[tuple[int, int, str]] = []
        for start, end in self.spans(text):
            before = _AGE_BEFORE.search(text, cuts[-1][1] if cuts else 0, start)
            if before:
                cuts.append((before.start("age"), before.end("age"), AGE_WITHHELD))
            cuts.append((start, end, WITHHELD))
            after = _AGE_AFTER.match(text, end)
            if after:
                group = next(g for g in ("age", "page", "sage") if after.group(g))
                cuts.append((after.start(group), after.end(group), AGE_WITHHELD))
        out, at = [], 0
        for start, end, marker in cuts:
            if start < at:  # an age already taken as the previous name's
                continue
            out += [text[at:start], marker]
            at = end
        return "".join(out) + text[at:]

    def in_url_part(self, part: str) -> bool:
        for _, _, folded in words(_decoded(part)):
            if folded in self.distinctive or any(word in folded for word in self.run_together):
                return True
        return False

    def withhold_url(self, url: str | None) -> str | None:
        """A URL without names in it: as it is; with a name in its path, query or fragment,
        only its site (`https://host/`); with one in its host name, none at all.

        A URL with a name cut out of it would be a link to nothing, and the words left
        around the cut (a slug's date and place) would still find the article and the name;
        the site still says which outlet reported it, and keys with the personal-data scope
        get the whole URL."""
        if not url or not self:
            return url
        parts = urlsplit(url)
        host = parts.hostname or ""
        if self.in_url_part(_idna_decoded(host)):
            return None
        userinfo = parts.netloc.rpartition("@")[0]
        if self.in_url_part(f"{userinfo} {parts.path} {parts.query} {parts.fragment}"):
            if ":" in host:  # an IPv6 address, which urlsplit gives without its brackets
                host = f"[{host}]"
            try:
                port = f":{parts.port}" if parts.port else ""
            except ValueError:  # not a port: what is left of the URL is not a URL either
                return None
            return f"{parts.scheme}://{host}{port}/"
        return url


def _decoded(part: str) -> str:
    """A URL's part as its words read: percent-decoded until nothing changes (a name
    encoded twice, "%25C3%25A1", is still a name), "+" as a space."""
    for _ in range(5):
        decoded = unquote(part)
        if decoded == part:
            break
        part = decoded
    return unquote_plus(part)


def _idna_decoded(host: str) -> str:
    """A host name as it reads: "xn--huamn-0qa.example" is "huamán.example"."""
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--") else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


# --- Documents ---------------------------------------------------------------------------

# Free text of an evidence item, written from the reports ("in Huamán's suitcase").
ITEM_TEXT_FIELDS = ("description", "concealment")


def withhold_from_source(source: dict, names: Names) -> dict:
    """A cited source (`{"id", "title", "outlet", "url", "published"}`) without names."""
    return {**source, "title": names.withhold(source["title"]), "url": names.withhold_url(source["url"])}


def withhold_from_document(public: dict, personal: dict, *, names: Names, sources: dict | None = None) -> dict:
    """The public document `public`, its free text taken again from the personal document
    of the same version and `names` withheld from it. `public` holds the citations of
    `personal` that are not about a detainee, in the same order. `sources`: the public form
    of cited sources by id, in place of the citations' own."""
    sources = sources or {}
    originals = [c for c in personal["citations"] if c.get("detainee") is None]
    return {
        **public,
        "summary": names.withhold(personal["summary"]),
        "evidence_items": [
            {**item, **{field: names.withhold(original[field]) for field in ITEM_TEXT_FIELDS}}
            for item, original in zip(public["evidence_items"], personal["evidence_items"], strict=True)
        ],
        "citations": [
            {
                **citation,
                "quote": names.withhold(original["quote"]),
                "source": sources.get(original["source"]["id"]) or withhold_from_source(original["source"], names),
            }
            for citation, original in zip(public["citations"], originals, strict=True)
        ],
    }
