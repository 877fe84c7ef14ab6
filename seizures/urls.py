"""Pages of the seizures app outside the admin, mounted at /overview/ (config/urls.py)."""

from django.urls import path

from seizures.overview import overview

urlpatterns = [
    path("", overview, name="overview"),
]
