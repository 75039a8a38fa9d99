"""``next`` parameters lead only to our own host (mission_watch, the officer's role form, …)."""

import pytest

from lunarshare.testing.factories import MissionFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "http:///evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_mission_watch_never_redirects_off_site(client, people, target):
    MissionFactory(code="CE5")
    client.force_login(people.bob)
    response = client.post("/en/data/missions/CE5/watch/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/en/data/"


def test_mission_watch_follows_a_path_on_our_site(client, people):
    MissionFactory(code="CE5")
    client.force_login(people.bob)
    response = client.post("/zh-hans/data/missions/CE5/watch/", {"next": "/zh-hans/samples/?mission=CE5"})
    assert response["Location"] == "/zh-hans/samples/?mission=CE5"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_helper_refuses_every_foreign_target(rf, target):
    from lunarshare.redirects import safe_next

    assert safe_next(rf.get("/"), target) is None and safe_next(rf.get("/"), "/en/") == "/en/"
