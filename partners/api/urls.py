from django.urls import path, re_path

from partners.api import views

app_name = "partners_api"

urlpatterns = [
    path("operations/", views.OperationList.as_view(), name="operation-list"),
    path("operations/removed/", views.RemovalList.as_view(), name="removal-list"),
    path("operations/export/", views.OperationExport.as_view(), name="operation-export"),
    path("operations/<uuid:public_id>/", views.OperationDetail.as_view(), name="operation-detail"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<int:id>/", views.SourceDetail.as_view(), name="source-detail"),
    path("agencies/", views.AgencyList.as_view(), name="agency-list"),
    path("criminal-groups/", views.CriminalGroupList.as_view(), name="criminal-group-list"),
    # Anything else under /api/v1/ (a mistyped id or endpoint) is a JSON 404, not a web page.
    re_path(r"", views.not_found),
]
