"""The overview page (`/overview/`): the verified data at a glance, as partners read it.

Everything here is read from the partner API's publication (`partners.models`), filtered by
the API's own filter set, so the page and `/api/v1/stats/` agree on what matches. The page
is built in parts:

- `filters`: the partner API's filters, dressed for a form (`OverviewFilter`);
- `figures`: totals, months, places, agencies and map points, aggregated in the database;
- `chart`: the stacked monthly chart, as server-side SVG;
- `maps`: the map, as server-side SVG from outlines shipped with the code
  (`seizures/data/outlines/`), with no tile server and no script;
- `views`: the view itself (`overview`), mounted by `seizures/urls.py`.

What other code imports from `seizures.overview` is re-exported here.
"""

from seizures.overview.chart import month_chart
from seizures.overview.figures import Figures, format_kg, overview_figures
from seizures.overview.filters import CSVSelect, OverviewFilter
from seizures.overview.maps import Area, Outlines, mercator, operations_map, outlines, simplify
from seizures.overview.views import overview

__all__ = [
    "Area",
    "CSVSelect",
    "Figures",
    "Outlines",
    "OverviewFilter",
    "format_kg",
    "mercator",
    "month_chart",
    "operations_map",
    "outlines",
    "overview",
    "overview_figures",
    "simplify",
]
