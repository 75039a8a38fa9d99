"""``lunarshare datacite_export --kind samples|datasets [--since DATE] [--output DIR]``

Writes a DataCite registration batch: one DataCite 4.5 XML per record (validated against the
shipped XSD; nothing is written if one fails) and ``batch.jsonl``, one JSON:API payload per line
as the DataCite REST API takes it (``POST /dois``, ``event: publish``), for a registration agent
to submit. No network call is made. DOIs use ``LUNARSHARE_DOI_PREFIX``.
"""

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lunarshare.catalog.models import Sample
from lunarshare.science.selectors import datasets_visible_to

from ...datacite import dataset_metadata, sample_metadata, to_xml
from ...schemas import datacite_errors


class Command(BaseCommand):
    help = "Write a DataCite registration batch (XML per record + batch.jsonl) for samples or released datasets."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=["samples", "datasets"])
        parser.add_argument("--since", help="Only records changed on or after this date (YYYY-MM-DD).")
        parser.add_argument("--output", help="Folder to write (default: datacite-<kind>-<time> here).")

    def handle(self, *args, kind, since=None, output=None, **options):
        if kind == "samples":
            queryset = Sample.objects.select_related("mission", "parent", "holder_institution").order_by("identifier")
            build, name = sample_metadata, (lambda s: f"sample-{s.uid}")
        else:
            queryset = datasets_visible_to(None).order_by("pk")  # released only: the one visibility rule
            build, name = dataset_metadata, (lambda d: f"dataset-{d.pk}")
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since must be a date like 2026-01-31, not “{since}”.") from None
            queryset = queryset.filter(updated_at__gte=dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC))
        records, problems, seen = [], [], {}
        for obj in queryset.iterator(chunk_size=1000):
            meta = build(obj)
            xml = to_xml(meta)
            errors = datacite_errors(xml)
            if errors:
                problems.append(f"{name(obj)}: {errors[0]}")
            folded = meta["doi"].upper()  # DOIs are case-insensitive: two records may not share one
            if folded in seen:
                problems.append(f"{name(obj)}: DOI {meta['doi']} collides with {seen[folded]}")
            seen[folded] = name(obj)
            records.append((name(obj), meta, xml))
        if problems:
            raise CommandError("Nothing written; invalid records:\n" + "\n".join(problems[:50]))
        folder = Path(output or f"datacite-{kind}-{timezone.now():%Y%m%dT%H%M%SZ}")
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "batch.jsonl", "w", encoding="utf-8") as batch:
            for filename, meta, xml in records:
                (folder / f"{filename}.xml").write_bytes(xml)
                payload = {"data": {"type": "dois", "attributes": {
                    "doi": meta["doi"], "url": meta["url"], "event": "publish",
                    "xml": base64.b64encode(xml).decode("ascii")}}}
                batch.write(json.dumps(payload) + "\n")
        manifest = {"kind": kind, "since": since, "count": len(records), "created": timezone.now().isoformat(),
                    "sha256": {f"{f}.xml": hashlib.sha256(x).hexdigest() for f, _, x in records}}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        self.stdout.write(f"Wrote {len(records)} {kind} to {folder}/ (batch.jsonl, manifest.json and one XML each).")
