"""Keyset ("cursor") pagination on a column plus the row id.

DRF's CursorPagination keeps its place by the first ordering column alone, with an offset
among equal values; a row inserted among equals (many operations share a date) can then shift
a partner's next page, repeating or skipping a record. Here the cursor holds the last row's
(value, id) pair and the next page starts strictly after it, so rows written while a partner
pages can never move the pages already handed out.

The cursor is opaque to partners: base64 of a small JSON object. Only `next` links are given:
a sync walks forward.

The reference lists (sources, agencies, criminal groups) keep DRF's cursor pagination
(`PartnerCursorPagination`, at the end), made to refuse bad parameters the same way.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.utils.urls import replace_query_param


def _page_size(request, param: str, default: int, maximum: int) -> int:
    """The page size asked for; a 400 unless it is a whole number from 1 to `maximum`."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    size = int(raw) if raw.isascii() and raw.isdigit() else 0
    if not 1 <= size <= maximum:
        raise ValidationError({param: [f"Give a whole number from 1 to {maximum}."]})
    return size


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool
    kind: type  # datetime.date or datetime.datetime: how the cursor's value is read back
    help: str


def _parse(kind: type, value):
    if not isinstance(value, str):
        raise ValueError("not a string")
    if kind is not datetime.datetime:
        return datetime.date.fromisoformat(value)
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed.astimezone(datetime.UTC)  # OverflowError at the ends of the calendar


class KeysetPagination(BasePagination):
    """The view declares `orderings` ({name: Ordering}) and `default_ordering`."""

    page_size = 100
    max_page_size = 1000
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def get_ordering(self, request, view) -> tuple[str, Ordering]:
        """The ordering asked for, by name; a 400 if there is no such ordering."""
        name = request.query_params.get(self.ordering_query_param) or view.default_ordering
        if name not in view.orderings:
            raise ValidationError(
                {self.ordering_query_param: [f"Unknown ordering {name!r}; use one of: {', '.join(view.orderings)}."]}
            )
        return name, view.orderings[name]

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.orderings = view.orderings
        self.ordering_name, ordering = self.get_ordering(request, view)
        name = self.ordering_name
        self.page_size = self._page_size(request)
        sign = "-" if ordering.descending else ""
        queryset = queryset.order_by(f"{sign}{ordering.field}", f"{sign}id")
        position = self._decode(request.query_params.get(self.cursor_query_param), name, ordering)
        if position is not None:
            value, pk = position
            after, bound = ("lt", "lte") if ordering.descending else ("gt", "gte")
            # The first condition is implied by the rest, but it is what lets the database
            # start the index scan at the cursor instead of reading every row before it.
            queryset = queryset.filter(
                Q(**{f"{ordering.field}__{bound}": value}),
                Q(**{f"{ordering.field}__{after}": value}) | Q(**{ordering.field: value, f"id__{after}": pk}),
            )
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.last = rows[-1] if rows else None
        return rows

    def _page_size(self, request) -> int:
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def _decode(self, raw: str | None, name: str, ordering: Ordering):
        if not raw:
            return None
        try:
            data = orjson.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
            if data["o"] != name:
                raise ValidationError(
                    {
                        self.cursor_query_param: "This cursor belongs to another ordering: keep the ordering of the first page."
                    }
                )
            pk = data["id"]
            if not isinstance(pk, int) or isinstance(pk, bool):
                raise ValueError("bad id")
            return _parse(ordering.kind, data["v"]), pk
        except ValidationError:
            raise
        except (
            ValueError,
            OverflowError,
            KeyError,
            TypeError,
            UnicodeEncodeError,
            binascii.Error,
            orjson.JSONDecodeError,
        ):
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the `next` link of the previous page as it is."]}
            ) from None

    def _value(self, row, name):
        return row[name] if isinstance(row, dict) else getattr(row, name)

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        field = self.orderings[self.ordering_name].field
        value = self._value(self.last, field)
        token = orjson.dumps({"o": self.ordering_name, "v": value.isoformat(), "id": self._value(self.last, "id")})
        cursor = base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_data(self, results) -> dict:
        return {"next": self.get_next_link(), "results": results}

    def get_paginated_response(self, data):
        from rest_framework.response import Response

        return Response(self.get_paginated_data(data), headers=self.get_link_header())

    def get_link_header(self) -> dict:
        link = self.get_next_link()
        return {"Link": f'<{link}>; rel="next"'} if link else {}

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null on the last one. Also sent as a `Link` header.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        orderings = view.orderings
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: taken from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "; ".join(f"`{k}`: {o.help}" for k, o in orderings.items())
                + f". Default `{view.default_ordering}`.",
                "schema": {"type": "string", "enum": list(orderings)},
            },
        ]


class PartnerCursorPagination(CursorPagination):
    """DRF's cursor pagination, for the reference lists (sources, agencies, criminal groups),
    refusing what DRF lets through: a page size that is not a whole number from 1 to the
    maximum (DRF serves its default page instead, or cuts it to the maximum) and a cursor it
    cannot read (DRF: 404, as if the endpoint were missing) are 400s naming the parameter, as
    on the operations feed. The pages themselves are DRF's: `next`, `previous`, `results`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor = "Invalid cursor: use the `next` or `previous` link of another page as it is."

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from None
        if cursor is not None and cursor.position is not None:
            # The position is compared with the ordering column as it is: one that column
            # cannot hold (a word for an id, an id past 64 bits) would fail in the database.
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                field.clean(cursor.position, None)
            except DjangoValidationError:
                raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from None
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Records per page, 1 to {self.max_page_size} (default {self.page_size})."
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
