"""URL map: web pages under a language prefix (/en/, /zh-hans/), the API under /api/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from lunarshare.ops import health, metrics

APPS = ["accounts", "catalog", "programs", "loans", "science", "cooperation", "insights"]

api_v1 = [path("", include(f"lunarshare.{app}.api_urls")) for app in APPS]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    # The language switch is in every page's header; exempt from CSRF (changing someone's
    # language is harmless) so public pages carry no CSRF token and a CDN may keep them.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    *[path("", include(f"lunarshare.{app}.urls")) for app in APPS],
    path("", include("lunarshare.web.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
