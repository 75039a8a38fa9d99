import pytest

from lunarshare.accounts.models import Institution
from lunarshare.accounts.services import institution_create
from lunarshare.errors import ConflictError, PermissionDeniedError, ValidationFailed
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestInstitutionCreate:
    def test_an_officer_registers_an_institution_and_it_is_audited(self, people):
        institution = institution_create(actor=people.officer, name_en=" Demo Institute of Regolith ",
                                         name_zh="演示风化层研究所", country="fr", kind="institute",
                                         ror_id="https://ror.org/0abcdef23")
        assert (institution.name_en, str(institution.country), institution.ror_id) == (
            "Demo Institute of Regolith", "FR", "0abcdef23")
        event = last_event("institution.created")
        assert event.actor == people.officer and event.data["ror_id"] == "0abcdef23"
        assert event.data["country"] == "FR"

    def test_it_refuses_a_bad_ror_id(self, people):
        before = Institution.objects.count()
        with pytest.raises(ValidationFailed) as info:
            institution_create(actor=people.officer, name_en="X", country="FR", ror_id="0abcdef24")
        assert "checksum" in str(info.value)
        assert Institution.objects.count() == before

    def test_it_refuses_a_duplicate_ror_id(self, people):
        institution_create(actor=people.officer, name_en="One", country="FR", ror_id="0abcdef23")
        with pytest.raises(ConflictError):
            institution_create(actor=people.officer, name_en="Two", country="FR", ror_id="0abcdef23")

    @pytest.mark.parametrize("kwargs", [{"name_en": "  "}, {"country": "XX"}, {"kind": "castle"}])
    def test_it_refuses_bad_values(self, people, kwargs):
        args = {"name_en": "Demo", "country": "FR", "kind": "university", **kwargs}
        with pytest.raises(ValidationFailed):
            institution_create(actor=people.officer, **args)
        assert last_event("institution.created") is None

    def test_only_officers_register_institutions(self, people):
        with pytest.raises(PermissionDeniedError):
            institution_create(actor=people.alice, name_en="Mine", country="DE")
