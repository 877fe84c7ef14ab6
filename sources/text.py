"""Getting clean article text out of what people hand us: bytes that must be UTF-8 text,
web pages whose article has to be separated from menus, ads and scripts, and text whose
language nobody stated.

Whatever is returned here is what gets stored and handed to the extractor, so the spans the
extractor reports are offsets into exactly this text.
"""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TextError(ValueError):
    """Input that cannot become a source's text. The message is meant for the user."""


# C0 control characters other than tab, line feed, form feed and carriage return: frequent in
# binary files, absent from real articles.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# How many stray control characters a text may hold before it is taken for a binary file.
_CONTROL_TOLERANCE = 0.01
# Below this, the detector's answer is a guess: the language is left empty for a person to fill.
LANGUAGE_MIN_CONFIDENCE = 0.8


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size} bytes"


def check_size(size: int) -> None:
    limit = settings.SOURCES_MAX_BYTES
    if size > limit:
        raise TextError(
            f"Too large: {format_size(size)}; a source may be at most {format_size(limit)} (SOURCES_MAX_BYTES)."
        )


def decode(data: bytes) -> str:
    """The text in `data`, which must be UTF-8 (a byte-order mark is dropped)."""
    check_size(len(data))
    if b"\x00" in data:
        raise TextError("Not text: this looks like a binary file (it contains NUL bytes).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TextError(
            f"Not UTF-8 text (undecodable byte at position {error.start}). Save it as UTF-8 and try again."
        ) from None


def clean_text(text: str) -> str:
    """`text` as it will be stored: line endings unified, Unicode composed (so the same words
    typed two ways have one SHA-256), outer blank space removed. Refuses binary-looking and
    empty text."""
    if "\x00" in text:
        raise TextError("Not text: it contains NUL characters, which no article has.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        # A lone surrogate, as a JSON file may escape one ("\\ud800"): no text has one.
        raise TextError(f"Not text: it holds a character UTF-8 cannot store (at position {error.start}).") from None
    controls = len(_CONTROL.findall(text))
    if controls and controls > _CONTROL_TOLERANCE * len(text):
        raise TextError("Not text: this looks like a binary file (it is full of control characters).")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise TextError("Empty: there is no text in it.")
    return text


@dataclass
class WebPage:
    """The article found in a web page, and what the page says about itself."""

    text: str
    title: str = ""
    author: str = ""
    outlet: str = ""
    url: str = ""
    published: datetime.date | None = None


def html_to_article(html: str) -> WebPage:
    """The main text of a web page and its metadata, by trafilatura: navigation, ads,
    scripts, styles and comments are left out; nothing in the page is run."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        # Only a date the page states in its metadata; no guessing from the copyright line.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    try:
        text = clean_text((document.text or "") if document is not None else "")
    except TextError:
        raise TextError("No article text was found in the web page.") from None
    published = None
    if document.date:
        try:
            published = datetime.date.fromisoformat(document.date[:10])
        except ValueError:
            published = None
    return WebPage(
        text=text,
        title=(document.title or "").strip(),
        author=(document.author or "").strip(),
        outlet=(document.sitename or "").strip(),
        url=(document.url or "").strip(),
        published=published,
    )


@functools.cache
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    try:
        identifier.set_languages(list(languages))
    except ValueError as error:
        raise ImproperlyConfigured(f"SOURCES_LANGUAGES: {error}") from None
    return identifier


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, among SOURCES_LANGUAGES, or
    "" when the detector is not confident (a few words, a list of figures)."""
    languages = tuple(settings.SOURCES_LANGUAGES)
    if not languages or not text.strip():
        return ""
    code, confidence = _identifier(languages).classify(text)
    return code if confidence >= LANGUAGE_MIN_CONFIDENCE else ""
