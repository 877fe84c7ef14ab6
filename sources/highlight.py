"""Source text with cited quotes and the machine's proposed values marked, for the review page.

The text is escaped piece by piece and only our own tags are added, so whatever a source
contains (it may come from hostile HTML) is shown as text, never run. The tags add no text:
the element's textContent is the source text exactly, which the citing tools rely on to turn
a selection into offsets.
"""

from itertools import pairwise

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: list[tuple[int, int, str]], fields=(), *, prefix: str = "") -> SafeString:
    """`text` with each citation (start, end, label) span wrapped in <mark>, and each proposed
    value's (start, end, key, label) span in a link to its row of the field review (`#field-KEY`,
    the narrowest value covering the piece); an empty anchor `{prefix}KEY` marks where a field's
    words start, for the row to link back to.
    Overlapping spans are split at every boundary, so each piece names all that cover it."""
    spans = [(start, end, label) for start, end, label in spans if 0 <= start < end <= len(text)]
    fields = [(start, end, key, label) for start, end, key, label in fields if 0 <= start < end <= len(text)]
    bounds = [b for s, e, *_ in [*spans, *fields] for b in (s, e)]
    cuts = sorted({0, len(text), *bounds})
    anchored = set()
    pieces = []
    for left, right in pairwise(cuts):
        labels = [label for start, end, label in spans if start <= left and right <= end]
        # The narrowest span covering a piece is the value it most likely is; between equal
        # spans, the field listed last (the more specific: a place before its country).
        covering = sorted(
            (
                (end - start, -order, key, label)
                for order, (start, end, key, label) in enumerate(fields)
                if start <= left and right <= end
            ),
        )
        chunk = escape(text[left:right])
        if covering:
            keys = list(dict.fromkeys(key for _, _, key, _ in covering))
            # Where each field's words start: an empty anchor its row links back to.
            anchors = [
                format_html('<span class="span-anchor" id="{}{}"></span>', prefix, k) for k in keys if k not in anchored
            ]
            anchored.update(keys)
            chunk = format_html(
                '{}<a class="field-span" href="#field-{}" data-fields="{}" title="Proposed {}">{}</a>',
                mark_safe("".join(anchors)),
                keys[0],
                " ".join(keys),
                "; ".join(dict.fromkeys(label for _, _, _, label in covering)),
                chunk,
            )
        if labels:
            chunk = format_html('<mark title="{}">{}</mark>', "; ".join(labels), chunk)
        pieces.append(chunk)
    return mark_safe("".join(pieces))


def sources_panel(citations, extra_sources=(), field_spans=None) -> list[dict]:
    """One entry per cited source, in the order first cited, then `extra_sources` not cited
    yet (sources put beside the operation): the source, its citations and its text with their
    quotes highlighted, and the spans of `field_spans` ({source id: [(start, end, key,
    label)]}) linked to the field review."""
    by_source: dict[int, dict] = {}
    # Sources in the order they were first cited, whatever the citations' order.
    for citation in sorted(citations, key=lambda c: c.pk):
        by_source.setdefault(citation.source_id, {"source": citation.source, "citations": []})
    for citation in citations:
        by_source[citation.source_id]["citations"].append(citation)
    for source in extra_sources:
        by_source.setdefault(source.pk, {"source": source, "citations": []})
    field_spans = field_spans or {}
    for source_id, entry in by_source.items():
        spans = [
            (c.start, c.end, f"Citation {c.pk}" + (f" – {c.field}" if c.field else ""))
            for c in entry["citations"]
            if c.start is not None and c.end is not None
        ]
        entry["html"] = highlight(
            entry["source"].text, spans, field_spans.get(source_id, ()), prefix=f"span-{source_id}-"
        )
    return list(by_source.values())
