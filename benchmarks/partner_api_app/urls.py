"""The project's URLs, plus the endpoints the partner API is compared with."""

from django.urls import path

from benchmarks.partner_api_app import views
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/baseline/operations/", views.BaselineOperationList.as_view(), name="bench-baseline"),
    path("bench/floor/operations/", views.floor_documents, name="bench-floor"),
    path("bench/floor-tables/operations/", views.floor_tables, name="bench-floor-tables"),
]
