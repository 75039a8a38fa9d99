"""Factories of the cooperation app. Rows are created through the services, as in production."""

from __future__ import annotations

import itertools

from lunarshare.cooperation import services
from lunarshare.testing.factories import MissionFactory

_counter = itertools.count(1)


def make_partner(*, name_en=None, kind="agency", country="FR", **fields):
    return services.partner_create(actor=None, name_en=name_en or f"Demo Partner {next(_counter)}", kind=kind,
                                   country=country, **fields)


def make_agreement(*, parties=None, title_en=None, **fields):
    return services.agreement_create(actor=None, title_en=title_en or f"Demo Agreement {next(_counter)}",
                                     parties=parties or [make_partner()], **fields)


def make_payload(*, mission=None, acronym=None, partner=None, country="FR", **fields):
    return services.payload_create(actor=None, mission=mission or MissionFactory(code="CE6"),
                                   acronym=acronym or f"P{next(_counter)}", partner=partner or make_partner(),
                                   country=country, name_en=fields.pop("name_en", "Demo Payload"), **fields)
