"""Source text with cited quotes marked, for the review page.

The text is escaped piece by piece and only our own <mark> tags are added, so whatever a
source contains (it may come from hostile HTML) is shown as text, never run.
"""

from itertools import pairwise

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """`text` with each (start, end, label) span wrapped in <mark>; overlapping spans are
    split at every boundary so each piece lists all the citations covering it."""
    spans = [(start, end, label) for start, end, label in spans if 0 <= start < end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for left, right in pairwise(cuts):
        labels = [label for start, end, label in spans if start <= left and right <= end]
        chunk = text[left:right]
        if labels:
            pieces.append(format_html('<mark title="{}">{}</mark>', "; ".join(labels), chunk))
        else:
            pieces.append(escape(chunk))
    return mark_safe("".join(pieces))


def sources_panel(citations, extra_sources=()) -> list[dict]:
    """One entry per cited source, in the order first cited, then `extra_sources` not cited
    yet (sources put beside the operation): the source, its citations and its text with their
    quotes highlighted."""
    by_source: dict[int, dict] = {}
    for citation in citations:
        entry = by_source.setdefault(citation.source_id, {"source": citation.source, "citations": []})
        entry["citations"].append(citation)
    for source in extra_sources:
        by_source.setdefault(source.pk, {"source": source, "citations": []})
    for entry in by_source.values():
        spans = [
            (c.start, c.end, f"Citation {c.pk}" + (f" – {c.field}" if c.field else ""))
            for c in entry["citations"]
            if c.start is not None and c.end is not None
        ]
        entry["html"] = highlight(entry["source"].text, spans)
    return list(by_source.values())
