import pytest
from django.core.exceptions import ValidationError

from lunarshare.accounts.validators import normalize_orcid, normalize_ror, validate_orcid, validate_ror

# Python's int(x, 32) uses the alphabet 0-9a-v; ROR uses Crockford's (no i, l, o, u). Translating
# one to the other gives an independent implementation of ROR's ISO 7064 MOD 97-10 checksum.
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_PYTHON = "0123456789abcdefghijklmnopqrstuv"


def ror_with_checksum(body: str) -> str:
    number = int(body.translate(str.maketrans(_CROCKFORD, _PYTHON)), 32)
    return f"{body}{98 - (number * 100) % 97:02d}"


class TestOrcid:
    @pytest.mark.parametrize("orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"])
    def test_it_accepts_ids_whose_check_digit_is_right(self, orcid):
        assert normalize_orcid(orcid) == orcid
        validate_orcid(orcid)

    def test_it_accepts_the_url_form_and_a_lowercase_x(self):
        assert normalize_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"

    @pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0001-5109-3701", "0000-0002-1694-2330"])
    def test_it_refuses_a_wrong_check_digit(self, orcid):
        with pytest.raises(ValidationError) as info:
            validate_orcid(orcid)
        assert info.value.code == "orcid_checksum"

    @pytest.mark.parametrize("orcid", ["", "0000-0002-1825", "0000000218250097", "0000-0002-1825-00X7", "abcd-0002-1825-0097"])
    def test_it_refuses_a_malformed_id(self, orcid):
        with pytest.raises(ValidationError) as info:
            validate_orcid(orcid)
        assert info.value.code == "orcid_format"


class TestRor:
    # Made-up bodies with checksums computed by the independent implementation above;
    # they are test values, not claimed to identify any institution.
    VALID = [ror_with_checksum("0abcdef"), ror_with_checksum("0zzzzzz"), ror_with_checksum("0000001")]

    def test_the_independent_checksum_agrees_on_the_test_ids(self):
        assert self.VALID == ["0abcdef23", "0zzzzzz02", "000000195"]

    @pytest.mark.parametrize("ror", VALID)
    def test_it_accepts_ids_with_a_correct_checksum(self, ror):
        assert normalize_ror(ror) == ror
        validate_ror(ror)

    def test_it_accepts_the_url_form_and_upper_case(self):
        assert normalize_ror("https://ror.org/0ABCDEF23") == "0abcdef23"

    @pytest.mark.parametrize("ror", ["0abcdef24", "0zzzzzz03", "000000194"])
    def test_it_refuses_a_wrong_checksum(self, ror):
        with pytest.raises(ValidationError) as info:
            validate_ror(ror)
        assert info.value.code == "ror_checksum"

    @pytest.mark.parametrize("ror", ["", "abcdef123", "0abcde23", "0abcdef2x", "0abcdel23", "0abcdeu23", "1abcdef23"])
    def test_it_refuses_a_malformed_id(self, ror):
        with pytest.raises(ValidationError) as info:
            validate_ror(ror)
        assert info.value.code == "ror_format"
