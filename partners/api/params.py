"""The query parameters a partner endpoint takes, and the refusal of any other.

A parameter the API does not know was silently ignored: `countries=CO` (for `country`)
answered with every country, and a partner had no way to tell. Now each endpoint's list of
parameters is derived from what it reads (its filter set, its paginator's parameters, which
are also what the schema documents, the format, and whatever the view declares in
`extra_query_params`), so a new filter is allowed, and documented, the moment it exists; and
everything else, an empty value, or a parameter given twice (`country=PE&country=CO` meant
CO alone) is a 400 naming it. What a value must look like is the filters' and paginator's
business.
"""

import difflib

from rest_framework.settings import api_settings


def allowed_params(view) -> list[str]:
    names = [api_settings.URL_FORMAT_OVERRIDE]
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names += list(filterset_class.base_filters)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names += [param["name"] for param in paginator.get_schema_operation_parameters(view)]
    names += list(getattr(view, "extra_query_params", ()))
    return names


def refused_params(request, view) -> dict[str, list[str]]:
    """Each parameter refused, with why, for a 400 (empty if none is)."""
    allowed = allowed_params(view)
    refused = {}
    for name, values in request.query_params.lists():
        if name not in allowed:
            message = f"Unknown parameter: this endpoint takes {', '.join(sorted(allowed))}."
            close = difflib.get_close_matches(name, allowed, n=1)
            refused[name] = [f"{message} Did you mean {close[0]}?" if close else message]
        elif len(values) > 1:
            refused[name] = ["Given more than once: give it once (a list is one value with commas, e.g. PE,CO)."]
        elif not values[0].strip():
            refused[name] = ["Empty: give a value, or leave the parameter out."]
    return refused
