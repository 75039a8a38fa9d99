"""URL map: web pages under a language prefix (/en/, /zh-hans/), the API under /api/."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from lunarshare.files import public_media
from lunarshare.ops import health, metrics

handler400 = "lunarshare.web.errors.bad_request"
handler403 = "lunarshare.web.errors.permission_denied"
handler404 = "lunarshare.web.errors.page_not_found"
handler500 = "lunarshare.web.errors.server_error"

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
    # The schema changes only with a release: proxies and browsers may keep it for an hour.
    path("api/schema/", cache_control(public=True, max_age=3600)(SpectacularAPIView.as_view()), name="schema"),
    # Swagger UI's init script is served as a file (?script), so the strict CSP holds there.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # Redoc injects its own <style> elements and runs its search in a blob: worker: that page
    # alone relaxes style-src and worker-src (its template has no inline script and no CDN font).
    path("api/redoc/", csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
        SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    path("", include("lunarshare.opendata.urls")),  # stable landing URLs /s/ /d/ and /oai
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    *[path("", include(f"lunarshare.{app}.urls")) for app in APPS],
    path("", include("lunarshare.opendata.page_urls")),
    path("", include("lunarshare.web.urls")),
    prefix_default_language=True,
)

# Only public files are served by address (lunarshare.files); private ones only through their
# permission-checked views. No blanket media route, with DEBUG on or off.
urlpatterns.append(path(settings.MEDIA_URL.lstrip("/") + "<path:name>", public_media, name="public-media"))
