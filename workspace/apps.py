from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The staff workspace's home page: figures gathered from every app (the one place that reads them all)."""

    name = "workspace"
    verbose_name = _("工作台")
