from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.health import healthz, readyz
from core.views import approval_inbox

from .api_router import router

admin.site.site_header = "咪咕开放合作运营管理"
admin.site.site_title = "migu-ops"
admin.site.index_title = "运营后台"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/approvals/", admin.site.admin_view(approval_inbox), name="approval-inbox"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(router.urls)),
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's start-up script as a file: no inline script (CSP)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
handler404 = "core.api.exceptions.api_aware_page_not_found"
