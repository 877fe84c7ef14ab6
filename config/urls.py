from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Seizure records"
admin.site.site_title = "Seizure records"
admin.site.index_title = "Review and citation"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
