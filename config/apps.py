from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The admin, on the project's site: optional two-factor login (config/admin_site.py)."""

    default_site = "config.admin_site.AdminSite"
