from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz

admin.site.site_header = "Seizure records"
admin.site.site_title = "Seizure records"
admin.site.index_title = "Review and citation"
admin.site.index_template = "admin/index_with_inbox.html"

# A lost database connection answers 503 (config/middleware.py), not the 500 page.
handler500 = "config.middleware.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("overview/", include("seizures.urls")),
    path("api/v1/", include("partners.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, and our template its styles: the
    # Content-Security-Policy runs nothing inline.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="drf_spectacular/swagger_ui_csp.html"),
        name="api-docs",
    ),
]
