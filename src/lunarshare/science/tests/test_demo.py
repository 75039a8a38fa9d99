"""The demo loads the shared basalt files through the upload path and the data show the CE-5 ages young."""

from io import StringIO

import pytest

from lunarshare.catalog.models import Mission, Sample
from lunarshare.science import demo
from lunarshare.science.models import Dataset, DatasetStatus, Measurement
from lunarshare.science.selectors import compare
from lunarshare.testing.factories import MissionFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions():
    for name, code in demo.MISSION_CODES.items():
        MissionFactory(code=code, name_en=name)


def test_the_demo_uploads_the_real_data_and_the_comparison_is_computed(people, missions):
    out = StringIO()
    demo.load(out)
    assert Dataset.objects.filter(status=DatasetStatus.RELEASED).count() == 2
    assert last_event("dataset.measurements_uploaded").actor == people.curator
    aggregate = Sample.objects.get(identifier="CE5-LIT-BASALT-CLASTS")
    assert aggregate.mass_ug == 0 and aggregate.description.startswith("Literature record")
    assert Measurement.objects.get(sample=aggregate, property="Pb-Pb age").value_canonical == 2.03

    apollo = list(Mission.objects.filter(code__startswith="A"))
    result = compare(None, missions=[*apollo, Mission.objects.get(code="CE5")], property="age")
    ce5 = next(s for s in result.series if s.code == "CE5")
    apollo_min = min(s.min for s in result.series if s.code != "CE5" and s.count)
    assert ce5.count >= 3 and ce5.max < apollo_min
    assert "younger than every Apollo basalt" in out.getvalue()


def test_running_the_demo_twice_changes_nothing(people, missions):
    demo.load(StringIO())
    before = (Measurement.objects.count(), Sample.objects.count(), Dataset.objects.count())
    out = StringIO()
    demo.load(out)
    assert (Measurement.objects.count(), Sample.objects.count(), Dataset.objects.count()) == before
    assert " 0 new, 0 updated" in out.getvalue()
