"""A small public world for the browser tests of the web app: the Chang'e-5 and Chang'e-6
missions with a few samples, the cooperation registry's demo entries (the real Chang'e-6
payloads), a published and an open round."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

from django.utils import timezone


def build_world():
    from lunarshare.cooperation import demo as cooperation_demo
    from lunarshare.cooperation.models import InternationalPayload
    from lunarshare.programs.models import Round, RoundStatus
    from lunarshare.testing.factories import MissionFactory, make_sample

    ce5 = MissionFactory(code="CE5", name_zh="嫦娥五号", returned_mass_ug=1_731_000_000,
                         landing_date=datetime.date(2020, 12, 17), sort_order=20)
    ce6 = MissionFactory(code="CE6", name_zh="嫦娥六号", returned_mass_ug=1_935_300_000,
                         landing_date=datetime.date(2024, 6, 25), sort_order=21)
    sample = make_sample(identifier="CE5C0400YJFM00505", mission=ce5, mass_ug=1_600_000_000, type="regolith")
    ce6_sample = make_sample(identifier="CE6C0100YJFM00101", mission=ce6, mass_ug=150_000_000, type="regolith")
    cooperation_demo.load(io.StringIO())
    now = timezone.now()
    # Demo-only rounds, clearly fictional titles.
    Round.objects.create(code="demo-open", title_en="Demo round (open)", title_zh="演示批次（开放中）",
                         status=RoundStatus.OPEN, opens_at=now - datetime.timedelta(days=2),
                         closes_at=now + datetime.timedelta(days=25))
    Round.objects.create(code="demo-published", title_en="Demo round (results published)",
                         title_zh="演示批次（已公布结果）", status=RoundStatus.PUBLISHED,
                         opens_at=now - datetime.timedelta(days=300), closes_at=now - datetime.timedelta(days=250),
                         results_published_at=now - datetime.timedelta(days=30))
    payload = InternationalPayload.objects.get(acronym="DORN")
    return SimpleNamespace(ce5=ce5, ce6=ce6, sample=sample, ce6_sample=ce6_sample, payload=payload)
