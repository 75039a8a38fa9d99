"""factory_boy factories shared by every app's tests. Samples go through the real service so
that their ledger and audit trail are as production writes them."""

import factory

from lunarshare.accounts.models import Institution, User
from lunarshare.catalog.models import Mission, SampleCategory, SampleType


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name_en = factory.Sequence(lambda n: f"Institute {n}")
    name_zh = factory.Sequence(lambda n: f"研究所{n}")
    country = "CN"
    kind = Institution.Kind.INSTITUTE


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(roles=["curator"])`` grants roles through the audited service."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    institution = factory.SubFactory(InstitutionFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from lunarshare.accounts.services import role_grant

        self.save()
        for role in extracted or []:
            role_grant(actor=None, user=self, role=role)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("code",)

    code = "A11"
    name_en = factory.LazyAttribute(lambda m: {"CE5": "Chang'e-5", "CE6": "Chang'e-6"}.get(m.code, f"Mission {m.code}"))
    agency = factory.LazyAttribute(lambda m: "CNSA" if m.code.startswith("CE") else "NASA")
    id_convention = factory.LazyAttribute(lambda m: "change" if m.code.startswith("CE") else ("luna" if m.code.startswith("L") else "apollo"))


_sample_counter = iter(range(10**9))


def curator():
    """The test collection's registrar: a curator who registers the samples factories make."""
    user = User.objects.filter(username="registrar").first()
    return user or UserFactory(username="registrar", roles=["curator"])


def make_sample(*, identifier=None, mission=None, mass_ug=1_000_000, type=SampleType.BASALT,
                category=SampleCategory.RESEARCH, actor=None, **kwargs):
    """Register a root sample through ``sample_register`` (by a curator, as production does)."""
    from lunarshare.catalog.services import sample_register

    actor = actor or curator()

    mission = mission or MissionFactory()
    identifier = identifier or f"T{next(_sample_counter):05d}"
    return sample_register(actor=actor, identifier=identifier, mission=mission, type=type, category=category,
                           mass_ug=mass_ug, **kwargs)
