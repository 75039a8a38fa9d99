"""URL map: web pages under a language prefix (/en/, /zh-hans/), the API under /api/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from lunarshare.files import public_media

handler400 = "lunarshare.web.errors.bad_request"
handler403 = "lunarshare.web.errors.permission_denied"
handler404 = "lunarshare.web.errors.page_not_found"
handler500 = "lunarshare.web.errors.server_error"

APPS = ["accounts", "catalog", "programs", "loans", "science", "cooperation", "insights"]

api_v1 = [path("", include(f"lunarshare.{app}.api_urls")) for app in APPS]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
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

# Only public files are served by address (lunarshare.files); private ones only through their
# permission-checked views. No blanket media route, with DEBUG on or off.
urlpatterns.append(path(settings.MEDIA_URL.lstrip("/") + "<path:name>", public_media, name="public-media"))
