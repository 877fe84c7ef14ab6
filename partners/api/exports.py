"""Whole exports: every operation that matches, as one CSV or GeoJSON file, streamed.

The paged feed serves at most 1,000 operations a request; a partner who wants everything in
a spreadsheet or a map should not have to stitch pages. An export reads the stored documents
from the database in chunks (`iterator`) and writes each as it comes, in pieces of about
`PIECE` bytes: memory stays the same however many operations match.
"""

import csv
import io
from collections.abc import Iterable, Iterator

import orjson

from partners.api.renderers import ITEMS, csv_header, feature, write_operations

CHUNK_ROWS = 500  # documents fetched from the database at a time
PIECE = 64 * 1024  # bytes handed to the server at a time


def documents(queryset, column: str) -> Iterator[dict]:
    """The documents in `column` of the published operations in `queryset`, decoded one by
    one as the database sends them."""
    for text in queryset.values_list(column, flat=True).iterator(chunk_size=CHUNK_ROWS):
        yield orjson.loads(text)


def csv_pieces(docs: Iterable[dict], layout: str = ITEMS) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(layout))
    for doc in docs:
        write_operations(writer, [doc], layout)
        if out.tell() >= PIECE:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def geojson_pieces(docs: Iterable[dict]) -> Iterator[bytes]:
    """One FeatureCollection (RFC 7946), written feature by feature."""
    piece = bytearray(b'{"type":"FeatureCollection","features":[')
    separator = b""
    for doc in docs:
        piece += separator + orjson.dumps(feature(doc))
        separator = b","
        if len(piece) >= PIECE:
            yield bytes(piece)
            piece.clear()
    piece += b"]}"
    yield bytes(piece)
