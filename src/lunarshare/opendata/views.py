"""Landing URLs with content negotiation, and the open-data download page.

``/s/<uid>`` and ``/d/<id>`` answer, by ``?format=`` or else the ``Accept`` header:
HTML (a redirect to the page in the reader's language), schema.org JSON-LD, DataCite JSON or
DataCite XML. Who may see a dataset is decided by ``science.selectors`` (an embargoed dataset
is 404 for everyone else, in every format).
"""

from __future__ import annotations

import json

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lunarshare.catalog.models import Sample
from lunarshare.errors import NotFoundError
from lunarshare.permissions import public
from lunarshare.science.selectors import dataset_get_for_user

from . import datacite, jsonld, package

HTML = "text/html"
JSONLD = "application/ld+json"
DATACITE_JSON = "application/vnd.datacite.datacite+json"
DATACITE_XML = "application/vnd.datacite.datacite+xml"
FORMATS = {"html": HTML, "jsonld": JSONLD, "datacite-json": DATACITE_JSON, "datacite-xml": DATACITE_XML}


class _BadFormat(Exception):
    pass


def negotiate(request) -> str:
    """The media type to answer with: ``?format=`` wins, then ``Accept`` (HTML when nothing fits)."""
    name = request.GET.get("format")
    if name is not None:
        if name not in FORMATS:
            raise _BadFormat(name)
        return FORMATS[name]
    return request.get_preferred_type(list(FORMATS.values())) or HTML


def _bad_format(name: str) -> HttpResponse:
    message = _("Unknown format “%(name)s”. Use one of: %(choices)s.") % {
        "name": name[:40], "choices": ", ".join(FORMATS)}
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _answer(request, media_type: str, *, page_url: str, meta, ld, filename: str) -> HttpResponse:
    if media_type == HTML:
        response = HttpResponseRedirect(page_url)
    elif media_type == JSONLD:
        response = HttpResponse(json.dumps(ld(), ensure_ascii=False, indent=2), content_type=f"{JSONLD}; charset=utf-8")
    elif media_type == DATACITE_JSON:
        response = HttpResponse(json.dumps(meta(), ensure_ascii=False, indent=2),
                                content_type=f"{DATACITE_JSON}; charset=utf-8")
    else:
        response = HttpResponse(datacite.to_xml(meta()), content_type=f"{DATACITE_XML}; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}.xml"'
    patch_vary_headers(response, ["Accept", "Accept-Language"])
    return response


def _page_url(request, name: str, arg) -> str:
    with translation.override(translation.get_language_from_request(request)):
        return reverse(name, args=[arg])


@public
@require_GET
def sample_landing(request, uid: str):
    try:
        media_type = negotiate(request)
    except _BadFormat as error:
        return _bad_format(str(error))
    sample = (Sample.objects.select_related("mission", "parent", "holder_institution")
              .filter(uid=uid[:12]).first())
    if sample is None:
        raise Http404(_("There is no sample with this identifier."))
    return _answer(request, media_type, page_url=_page_url(request, "catalog:sample-detail", sample.identifier),
                   meta=lambda: datacite.sample_metadata(sample), ld=lambda: jsonld.sample_jsonld(sample),
                   filename=f"sample-{sample.uid}")


@public
@require_GET
def dataset_landing(request, pk: int):
    try:
        media_type = negotiate(request)
    except _BadFormat as error:
        return _bad_format(str(error))
    try:
        dataset = dataset_get_for_user(request.user, pk)
    except NotFoundError as error:
        raise Http404(str(error)) from None
    return _answer(request, media_type, page_url=_page_url(request, "science:dataset-detail", dataset.pk),
                   meta=lambda: datacite.dataset_metadata(dataset), ld=lambda: jsonld.dataset_jsonld(dataset),
                   filename=f"dataset-{dataset.pk}")


@public
def package_list(request):
    return render(request, "opendata/package_list.html", {"versions": package.package_versions()})


@public
@require_GET
def package_file(request, version: str, name: str):
    """One file of a published package, only if the package lists it (no other path is served)."""
    path = package.package_file_path(version, name)
    if path is None:
        raise Http404(_("There is no such open-data file."))
    from django.core.files.storage import default_storage

    content_type = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
    return FileResponse(default_storage.open(path, "rb"), as_attachment=name.endswith(".csv"), filename=name,
                        content_type=content_type)
