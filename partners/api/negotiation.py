"""How the partner API picks a format: the `format` parameter first, then `Accept`.

DRF's DefaultContentNegotiation narrows the renderers to the `format` asked for and still
matches them against `Accept`, so a client that names the format in the URL but sends an
`Accept` of its own gets a 406: GDAL (QGIS, ogr2ogr) opens `?format=geojson` with
`Accept: text/plain, application/json`. Here a format named in the URL is served whatever
`Accept` says; without one, `Accept` decides as before. A format the endpoint does not
offer is a 400 naming the parameter and the formats it does offer (DRF answers 404, as if
the URL itself were wrong).
"""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class UnknownFormat(ValidationError):
    def __init__(self, param: str, name: str, renderers):
        offered = ", ".join(renderer.format for renderer in renderers)
        super().__init__({param: [f"Unknown format {name!r}: this endpoint offers {offered}."]})


class FormatFirstNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        param = self.settings.URL_FORMAT_OVERRIDE
        name = format_suffix or request.query_params.get(param)
        if not name:
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == name:
                return renderer, renderer.media_type
        raise UnknownFormat(param, name, renderers)
