"""OAI-PMH 2.0 provider at ``/oai``: every sample of the public catalogue and every released dataset.

- Verbs: Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords, GetRecord.
- Formats: ``oai_dc`` (Dublin Core) and ``oai_datacite`` (a DataCite 4.5 ``<resource>``, as in the
  OpenAIRE guidelines for data archives).
- Sets: ``kind:sample``, ``kind:dataset``, ``mission:<code>`` (and their parents ``kind``, ``mission``).
- Datestamps are the records' last change (``updated_at``), to the second, UTC.
- Deleted records: ``persistent``. Nothing is deleted in LunarShare; a deaccessioned sample stays
  in the protocol for ever as a header with ``status="deleted"``. Embargoed datasets are not in
  the repository at all until released (release is their first datestamp).
- Resumption tokens are stateless: signed (Django's signing) and carrying the request's arguments,
  the position (kind and last primary key) and the cursor, so any server process can continue a
  list; they expire after :data:`TOKEN_MAX_AGE`.

Written here rather than taken from a library: the Django OAI-PMH packages on PyPI keep their
own record models, and LunarShare's records are its catalogue and science models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from lunarshare.catalog.models import Mission, Sample, SampleStatus
from lunarshare.permissions import public
from lunarshare.science.models import Dataset
from lunarshare.science.selectors import datasets_visible_to

from . import datacite

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "oai_datacite": ("http://schema.datacite.org/meta/kernel-4.5/metadata.xsd", datacite.NS),
}
TOKEN_SALT = "lunarshare.opendata.oai"
TOKEN_MAX_AGE = 24 * 3600
KINDS = ("sample", "dataset")
ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
}


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def repository_identifier() -> str:
    return getattr(settings, "LUNARSHARE_OAI_REPOSITORY_IDENTIFIER", "lunarshare.invalid")


def oai_identifier(kind: str, key) -> str:
    return f"oai:{repository_identifier()}:{kind}/{key}"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Records ---------------------------------------------------------------------------------

@dataclass
class Record:
    kind: str
    obj: Sample | Dataset

    @property
    def identifier(self) -> str:
        return oai_identifier(self.kind, self.obj.uid if self.kind == "sample" else self.obj.pk)

    @property
    def deleted(self) -> bool:
        return self.kind == "sample" and self.obj.status == SampleStatus.DEACCESSIONED

    def set_specs(self) -> list[str]:
        if self.kind == "sample":
            codes = [self.obj.mission.code]
        else:
            codes = sorted(set(self.obj.samples.values_list("mission__code", flat=True)))
        return [f"kind:{self.kind}"] + [f"mission:{code}" for code in codes]

    def datacite(self) -> dict:
        return datacite.sample_metadata(self.obj) if self.kind == "sample" else datacite.dataset_metadata(self.obj)


def _samples():
    return Sample.objects.select_related("mission", "parent", "holder_institution")


def _datasets():
    """Released datasets only: the one visibility rule, for an anonymous harvester."""
    return datasets_visible_to(None)


def _queryset(kind: str, *, since=None, until=None, set_spec: str | None = None):
    queryset = _samples() if kind == "sample" else _datasets()
    if since:
        queryset = queryset.filter(updated_at__gte=since)
    if until:
        queryset = queryset.filter(updated_at__lte=until)
    if set_spec and set_spec.startswith("mission:"):
        code = set_spec.split(":", 1)[1]
        queryset = (queryset.filter(mission__code=code) if kind == "sample"
                    else queryset.filter(samples__mission__code=code).distinct())
    return queryset.order_by("pk")


def _kinds_for(set_spec: str | None) -> tuple[str, ...]:
    if set_spec and set_spec.startswith("kind:"):
        return (set_spec.split(":", 1)[1],)
    return KINDS


def _all_sets() -> list[tuple[str, str]]:
    sets = [("kind", "Kinds of record"), ("kind:sample", "Lunar samples (physical objects)"),
            ("kind:dataset", "Released datasets"), ("mission", "By mission")]
    sets += [(f"mission:{m.code}", f"{m.name_en} ({m.code})") for m in Mission.objects.order_by("sort_order", "code")]
    return sets


def _find(identifier: str) -> Record:
    prefix = f"oai:{repository_identifier()}:"
    if identifier.startswith(prefix):
        kind, _, key = identifier[len(prefix):].partition("/")
        if kind == "sample" and key:
            sample = _samples().filter(uid=key[:12]).first()
            if sample is not None:
                return Record("sample", sample)
        if kind == "dataset" and key.isdigit() and len(key) < 12:
            dataset = _datasets().filter(pk=int(key)).first()
            if dataset is not None:
                return Record("dataset", dataset)
    raise OAIError("idDoesNotExist", f"No record has the identifier {identifier[:200]}.")


# --- Arguments -------------------------------------------------------------------------------

def _parse_date(value: str, *, end: bool) -> tuple[dt.datetime, str]:
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC)
            return moment.replace(microsecond=999999 if end else 0), "day"
        if len(value) == 20 and value.endswith("Z"):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return (moment.replace(microsecond=999999) if end else moment), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", f"“{value[:40]}” is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")


def _list_arguments(args: dict) -> dict:
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"The format {prefix[:40]} is not offered; use oai_dc or oai_datacite.")
    since = until = None
    granularities = set()
    if args.get("from"):
        since, granularity = _parse_date(args["from"], end=False)
        granularities.add(granularity)
    if args.get("until"):
        until, granularity = _parse_date(args["until"], end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if since and until and since > until:
        raise OAIError("badArgument", "from is later than until.")
    set_spec = args.get("set")
    if set_spec and set_spec not in {spec for spec, _ in _all_sets()}:
        raise OAIError("noRecordsMatch", f"There is no set {set_spec[:40]}.")
    return {"metadataPrefix": prefix, "from": args.get("from"), "until": args.get("until"), "set": set_spec,
            "_since": since, "_until": until}


def _validated(verb: str, params) -> dict:
    if verb not in ARGUMENTS:
        raise OAIError("badVerb", "Missing or unknown verb." if not verb else f"Unknown verb {verb[:40]}.")
    for key in params:
        if len(params.getlist(key)) > 1:
            raise OAIError("badArgument", f"The argument {key[:40]} is repeated.")
    args = {k: params.get(k) for k in params if k != "verb"}
    required, optional = ARGUMENTS[verb]
    if "resumptionToken" in args and verb in ("ListIdentifiers", "ListRecords", "ListSets"):
        if len(args) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument.")
        return args
    illegal = set(args) - required - optional
    if illegal:
        raise OAIError("badArgument", f"Illegal argument(s) for {verb}: {', '.join(sorted(illegal))[:100]}.")
    missing = required - set(args)
    if missing:
        raise OAIError("badArgument", f"Missing argument(s) for {verb}: {', '.join(sorted(missing))}.")
    return args


# --- XML -------------------------------------------------------------------------------------

def _sub(parent, tag: str, text=None, ns: str = OAI, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def _envelope(request, args: dict | None, verb: str | None):
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _sub(root, "responseDate", _stamp(timezone.now()))
    attrs = {}
    if args is not None:  # badVerb / badArgument answers echo no arguments
        attrs = {"verb": verb, **{k: v for k, v in args.items() if not k.startswith("_") and v}}
    _sub(root, "request", base_url(request), **attrs)
    return root


def base_url(request) -> str:
    return request.build_absolute_uri(request.path)


def _header(parent, record: Record):
    header = _sub(parent, "header", status="deleted" if record.deleted else None)
    _sub(header, "identifier", record.identifier)
    _sub(header, "datestamp", _stamp(record.obj.updated_at))
    for spec in record.set_specs():
        _sub(header, "setSpec", spec)


def _dublin_core(parent, record: Record):
    meta = record.datacite()
    dc = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(tag, value):
        if value:
            _sub(dc, tag, value, ns=DC)

    for title in meta["titles"]:
        add("title", title["title"])
    for creator in meta["creators"]:
        add("creator", creator["name"])
    for subject in meta["subjects"]:
        add("subject", subject["subject"])
    for description in meta["descriptions"]:
        add("description", description["description"])
    add("publisher", meta["publisher"]["name"])
    for contributor in meta.get("contributors", []):
        add("contributor", contributor["name"])
    for date in meta["dates"]:
        add("date", date["date"])
    add("type", meta["types"]["resourceTypeGeneral"])
    for fmt in meta.get("formats", []):
        add("format", fmt)
    add("identifier", f"https://doi.org/{meta['doi']}")
    add("identifier", meta["url"])
    for alternate in meta["alternateIdentifiers"]:
        add("identifier", alternate["alternateIdentifier"])
    add("language", meta["language"])
    for related in meta["relatedIdentifiers"]:
        value = related["relatedIdentifier"]
        add("relation", f"https://doi.org/{value}" if related["relatedIdentifierType"] == "DOI" else value)
    for geo in meta["geoLocations"]:
        add("coverage", geo.get("geoLocationPlace"))
    for rights in meta.get("rightsList", []):
        add("rights", rights.get("rightsUri") or rights["rights"])


def _record(parent, record: Record, prefix: str):
    node = _sub(parent, "record")
    _header(node, record)
    if record.deleted:
        return
    metadata = _sub(node, "metadata")
    if prefix == "oai_dc":
        _dublin_core(metadata, record)
    else:
        metadata.append(datacite.to_xml_element(record.datacite()))


# --- Verbs -----------------------------------------------------------------------------------

def _identify(root, request, args):
    node = _sub(root, "Identify")
    _sub(node, "repositoryName", getattr(settings, "LUNARSHARE_PUBLISHER", "LunarShare"))
    _sub(node, "baseURL", base_url(request))
    _sub(node, "protocolVersion", "2.0")
    _sub(node, "adminEmail", getattr(settings, "LUNARSHARE_OAI_ADMIN_EMAIL", settings.SERVER_EMAIL))
    earliest = [qs.order_by("updated_at").values_list("updated_at", flat=True).first() for qs in (_samples(), _datasets())]
    earliest = [e for e in earliest if e] or [timezone.now()]
    _sub(node, "earliestDatestamp", _stamp(min(earliest)))
    _sub(node, "deletedRecord", "persistent")
    _sub(node, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _sub(node, "description")
    ident_ns = "http://www.openarchives.org/OAI/2.0/oai-identifier"
    ident = etree.SubElement(description, f"{{{ident_ns}}}oai-identifier", nsmap={None: ident_ns})
    ident.set(f"{{{XSI}}}schemaLocation", f"{ident_ns} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
    for tag, text in (("scheme", "oai"), ("repositoryIdentifier", repository_identifier()), ("delimiter", ":"),
                      ("sampleIdentifier", oai_identifier("sample", "ab12CD34ef"))):
        _sub(ident, tag, text, ns=ident_ns)


def _list_metadata_formats(root, request, args):
    if args.get("identifier"):
        _find(args["identifier"])
    node = _sub(root, "ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        fmt = _sub(node, "metadataFormat")
        _sub(fmt, "metadataPrefix", prefix)
        _sub(fmt, "schema", schema)
        _sub(fmt, "metadataNamespace", namespace)


def _list_sets(root, request, args):
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "ListSets is never split; this token is not valid.")
    node = _sub(root, "ListSets")
    for spec, name in _all_sets():
        item = _sub(node, "set")
        _sub(item, "setSpec", spec)
        _sub(item, "setName", name)


def _get_record(root, request, args):
    if args["metadataPrefix"] not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"The format {args['metadataPrefix'][:40]} is not offered.")
    record = _find(args["identifier"])
    _record(_sub(root, "GetRecord"), record, args["metadataPrefix"])


def _read_token(token: str) -> dict:
    try:
        state = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise OAIError("badResumptionToken", "The resumption token has expired; start the list again.") from None
    except signing.BadSignature:
        raise OAIError("badResumptionToken", "The resumption token is not valid.") from None
    args = _list_arguments({"metadataPrefix": state["p"], "from": state.get("f"), "until": state.get("u"),
                            "set": state.get("s")})
    args.update(kind=state["k"], after=state["a"], cursor=state["c"], total=state["t"])
    return args


def _make_token(args: dict, *, kind: str, after: int, cursor: int, total: int) -> str:
    return signing.dumps({"p": args["metadataPrefix"], "f": args.get("from"), "u": args.get("until"),
                          "s": args.get("set"), "k": kind, "a": after, "c": cursor, "t": total}, salt=TOKEN_SALT)


def _list(root, request, args, *, verb: str):
    resumed = "resumptionToken" in args
    state = _read_token(args["resumptionToken"]) if resumed else _list_arguments(args)
    kinds = _kinds_for(state["set"])
    querysets = {kind: _queryset(kind, since=state["_since"], until=state["_until"], set_spec=state["set"])
                 for kind in kinds}
    total = state["total"] if resumed else sum(qs.count() for qs in querysets.values())
    if not total:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    page_size = getattr(settings, "LUNARSHARE_OAI_PAGE_SIZE", 200)
    kind, after, cursor = (state["kind"], state["after"], state["cursor"]) if resumed else (kinds[0], 0, 0)
    records: list = []
    next_position = None
    for current in kinds[kinds.index(kind):]:
        start = after if current == kind else 0
        need = page_size - len(records)
        batch = list(querysets[current].filter(pk__gt=start)[: need + 1])
        if len(batch) > need:  # more than fits: this page ends inside ``current``
            records += [Record(current, obj) for obj in batch[:need]]
            next_position = (current, batch[need - 1].pk if need else start)
            break
        records += [Record(current, obj) for obj in batch]
    if not records:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    node = _sub(root, verb)
    for record in records:
        if verb == "ListIdentifiers":
            _header(node, record)
        else:
            _record(node, record, state["metadataPrefix"])
    if next_position is not None:
        token = _make_token(state, kind=next_position[0], after=next_position[1], cursor=cursor + len(records),
                            total=total)
        expires = timezone.now() + dt.timedelta(seconds=TOKEN_MAX_AGE)
        _sub(node, "resumptionToken", token, completeListSize=total, cursor=cursor, expirationDate=_stamp(expires))
    elif resumed:  # the last part of a list: an empty token says so
        _sub(node, "resumptionToken", completeListSize=total, cursor=cursor)


VERBS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": lambda root, request, args: _list(root, request, args, verb="ListIdentifiers"),
    "ListRecords": lambda root, request, args: _list(root, request, args, verb="ListRecords"),
}


@public
@csrf_exempt  # a read-only protocol endpoint; OAI-PMH allows POST with form-encoded arguments
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    params = request.POST if request.method == "POST" else request.GET
    verb = params.get("verb", "")
    try:
        args = _validated(verb, params)
    except OAIError as error:
        root = _envelope(request, None, None)
        _sub(root, "error", error.message, code=error.code)
        return _response(root)
    root = _envelope(request, args, verb)
    try:
        VERBS[verb](root, request, args)
    except OAIError as error:
        for child in root[2:]:
            root.remove(child)
        if error.code in ("badVerb", "badArgument"):  # the protocol: echo the base URL only
            root[1].attrib.clear()
        _sub(root, "error", error.message, code=error.code)
    return _response(root)


def _response(root) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")

