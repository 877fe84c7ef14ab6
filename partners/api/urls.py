from django.urls import path

from partners.api import views

app_name = "partners_api"

urlpatterns = [
    path("agencies/", views.AgencyList.as_view(), name="agency-list"),
    path("criminal-groups/", views.CriminalGroupList.as_view(), name="criminal-group-list"),
]
