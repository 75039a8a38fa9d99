import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/statistics/"


class TestStatisticsApi:
    def test_anyone_reads_the_statistics_in_a_stable_shape(self, world, api_as):
        response = api_as(None).get(URL)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"generation", "computed_at", "totals", "mass_by_mission", "loans_by_country",
                             "loans_by_institution", "applications_per_round", "reach_over_time",
                             "publications_per_year", "science"}
        assert set(body["mass_by_mission"][0]) == {"mission", "name", "samples", "registered_ug", "held_ug",
                                                   "on_loan_ug", "unannounced_ug", "lent_ug", "returned_ug",
                                                   "consumed_ug", "lost_ug", "given_ug", "other_ug"}
        assert all(isinstance(row["held_ug"], int) for row in body["mass_by_mission"])
        assert body["applications_per_round"][0]["approval_rate"] == 0.5
        assert body["science"]["measurements"] == 3

    def test_it_is_read_only(self, world, api_as, people):
        assert api_as(people.officer).post(URL, {}, format="json").status_code == 405

    def test_the_schema_describes_it(self, api_as, db):
        response = api_as(None).get("/api/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert "/api/v1/statistics/" in response.content.decode()


class TestDashboardPage:
    def test_the_page_shows_each_table_with_a_csv_link(self, world, client):
        response = client.get("/en/statistics/")
        assert response.status_code == 200
        html = response.content.decode()
        for slug in ("mass-by-mission", "loans-by-country", "applications-per-round", "reach-over-time",
                     "publications-per-year", "measurements-by-mission"):
            assert f'id="table-{slug}"' in html and f'id="chart-{slug}"' in html
            assert f"/en/statistics/{slug}.csv" in html
        assert "Demo round two" not in html  # unpublished round
        assert "Japan" not in html  # the loan from the unpublished round

    def test_the_csv_holds_exact_micrograms(self, world, client):
        response = client.get("/en/statistics/mass-by-mission.csv")
        assert response["Content-Type"].startswith("text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Mission,Samples,Registered (µg),Held in store (µg)")
        a11 = next(line for line in lines if line.startswith(f"{world.a11.name},"))
        assert a11.split(",")[2:4] == ["5000000", "4850000"]

    def test_an_unknown_table_is_404(self, client, db):
        assert client.get("/en/statistics/secrets.csv").status_code == 404


class TestConditionalRequests:
    def test_an_unchanged_collection_answers_304_to_its_etag(self, world, api_as, people):
        from lunarshare.catalog.services import sample_consume

        client = api_as(None)
        etag = client.get(URL)["ETag"]
        assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
        sample_consume(actor=people.curator, sample=world.a11_root, mass_ug=1, reason="analysis")
        fresh = client.get(URL, HTTP_IF_NONE_MATCH=etag)
        assert fresh.status_code == 200 and fresh["ETag"] != etag
