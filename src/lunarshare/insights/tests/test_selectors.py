"""The statistics equal what a direct reading of the database gives, count only public
information, and are served from the cache until any audited change."""

import pytest
from django.db.models import Sum

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.insights import selectors

pytestmark = pytest.mark.django_db


def _row(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


class TestMassByMission:
    def test_each_figure_equals_the_database(self, world):
        rows = selectors.mass_by_mission()
        on_loans = {world.in_use.items.get().sample_id, world.hidden.items.get().sample_id}
        for mission in (world.ce5, world.a11):
            row = _row(rows, mission=mission.code)
            in_store = Sample.objects.filter(mission=mission, holder_institution__isnull=True).exclude(
                status__in=["lost", "deaccessioned", "consumed"]).exclude(pk__in=on_loans)
            ledger = LedgerEntry.objects.filter(sample__mission=mission)
            assert row["held_ug"] == sum(s.mass_ug for s in in_store)
            assert row["registered_ug"] == sum(e.delta_ug for e in ledger.filter(kind="register"))
            assert row["consumed_ug"] == -sum(e.delta_ug for e in ledger.filter(kind="consumption"))
            assert row["lost_ug"] == -sum(e.delta_ug for e in ledger.filter(kind="loss"))

    def test_lent_returned_and_on_loan_count_public_loans_only(self, world):
        ce5 = _row(selectors.mass_by_mission(), mission="CE5")
        # alice's 200 mg (in use) and bob's 100 mg (returned, 90 mg back); carol's 300 mg from the
        # unpublished round is not on loan for the public: it is in the one "not yet announced" figure.
        assert ce5["lent_ug"] == 300_000
        assert ce5["on_loan_ug"] == 200_000
        assert ce5["returned_ug"] == 90_000
        assert ce5["unannounced_ug"] == 300_000

    def test_registered_equals_the_sum_of_the_balance_columns(self, world):
        for row in selectors.mass_by_mission():
            assert row["registered_ug"] == sum(row[key] for key in selectors.BALANCE), row

    def test_known_values_of_the_small_world(self, world):
        a11 = _row(selectors.mass_by_mission(), mission="A11")
        assert (a11["registered_ug"], a11["consumed_ug"], a11["lost_ug"], a11["held_ug"]) == (
            5_000_000, 100_000, 50_000, 4_850_000)


class TestLoans:
    def test_by_country_ranks_by_mass_and_leaves_out_unpublished_and_cancelled_loans(self, world):
        rows = selectors.loans_by_country()
        assert [r["country"] for r in rows] == ["DE", "US"]
        assert rows[0] == {"country": "DE", "name": "Germany", "loans": 1, "items": 1, "mass_ug": 200_000}
        assert "JP" not in {r["country"] for r in rows}

    def test_by_institution_equals_the_database(self, world, people):
        rows = selectors.loans_by_institution()
        stony = _row(rows, institution=people.stony.pk)
        assert (stony["loans"], stony["mass_ug"]) == (1, 100_000)
        assert world.osaka.pk not in {r["institution"] for r in rows}


class TestApplicationsPerRound:
    def test_only_published_rounds_count(self, world):
        rows = selectors.applications_per_round()
        assert [r["round"] for r in rows] == [world.published.pk]

    def test_the_approval_rate_is_granted_over_decided(self, world):
        row = selectors.applications_per_round()[0]
        # submitted: reduced, rejected, withdrawn (the draft was never submitted)
        assert (row["submitted"], row["approved"], row["reduced"], row["rejected"], row["withdrawn"]) == (3, 0, 1, 1, 1)
        assert row["approval_rate"] == 0.5
        assert (row["requested_ug"], row["approved_ug"]) == (800_000, 200_000)
        # as the published results count them: only alice's institution was awarded material
        assert (row["institutions"], row["countries"]) == (1, 1)


class TestReachAndScience:
    def test_reach_counts_awards_of_published_rounds_and_public_loans_by_hand_cumulatively(self, world):
        published = world.published.results_published_at.year
        assert published > 2025
        assert selectors.reach_over_time() == [
            {"year": 2025, "new_institutions": 1, "new_countries": 1, "institutions": 1, "countries": 1},
            {"year": published, "new_institutions": 1, "new_countries": 1, "institutions": 2, "countries": 2},
        ]

    def test_countries_reached_match_the_published_results(self, world, people):
        from lunarshare.programs.selectors import round_results

        results = round_results(world.published)
        reached = selectors.reached_institutions()
        assert {award.institution.pk for award in results.awards} <= set(reached)
        assert set(reached) == {people.cologne.pk, people.stony.pk}  # stony: the public loan made by hand
        assert world.osaka.pk not in reached  # carol's round is not published

    def test_embargoed_data_is_absent(self, world):
        science = selectors.public_science()
        assert science["datasets"] == 1
        assert science["measurements"] == 3
        assert science["measurements_by_mission"] == [{"mission": "CE5", "measurements": 3}]

    def test_a_release_makes_the_data_count(self, world, people):
        from lunarshare.science.services import dataset_release

        dataset_release(actor=people.curator, dataset=world.embargoed)
        assert selectors.public_statistics()["science"]["measurements"] == 8

    def test_publications_per_year(self, world):
        assert selectors.publications_per_year() == [{"year": 2024, "publications": 2}, {"year": 2025, "publications": 1}]


class TestCache:
    def test_a_warm_read_costs_one_query(self, world, django_assert_num_queries):
        first = selectors.public_statistics()
        with django_assert_num_queries(1):  # the audit chain head
            assert selectors.public_statistics() == first

    def test_any_audited_change_invalidates(self, world, people):
        from lunarshare.catalog.services import sample_consume

        before = _row(selectors.public_statistics()["mass_by_mission"], mission="A11")["consumed_ug"]
        sample_consume(actor=people.curator, sample=world.a11_root, mass_ug=1_000, reason="more analysis")
        after = _row(selectors.public_statistics()["mass_by_mission"], mission="A11")["consumed_ug"]
        assert after == before + 1_000

    def test_an_unaudited_write_is_not_seen_until_the_next_audited_one(self, world, people):
        """Shows the figures really come from the cache (and why writes must go through services)."""
        from lunarshare.catalog.services import sample_consume

        selectors.public_statistics()
        Sample.objects.filter(pk=world.a11_root.pk).update(holder_institution=people.cologne)
        held = _row(selectors.public_statistics()["mass_by_mission"], mission="A11")["held_ug"]
        assert held == 4_850_000
        sample_consume(actor=people.curator, sample=world.ce5_root, mass_ug=1, reason="bump")
        assert _row(selectors.public_statistics()["mass_by_mission"], mission="A11")["held_ug"] == 0

    def test_the_cache_is_kept_per_language(self, world):
        from django.utils import translation

        with translation.override("zh-hans"):
            zh = selectors.public_statistics()
        en = selectors.public_statistics()
        assert _row(en["loans_by_country"], country="DE")["name"] == "Germany"
        assert _row(zh["loans_by_country"], country="DE")["name"] == "德国"

    def test_totals_add_up(self, world):
        stats = selectors.public_statistics()
        assert stats["totals"]["lent_ug"] == sum(r["lent_ug"] for r in stats["mass_by_mission"]) == 300_000
        assert stats["totals"]["loans"] == 2 and stats["totals"]["countries"] == 2
        assert stats["totals"]["institutions"] == 2
        assert stats["totals"]["held_ug"] == Sample.objects.filter(holder_institution__isnull=True).exclude(
            status__in=["lost", "deaccessioned", "consumed"]).aggregate(t=Sum("mass_ug"))["t"] - 200_000 - 300_000


class TestStampede:
    def test_while_one_request_recomputes_others_get_the_previous_figures(self, world, people):
        from django.core.cache import cache

        from lunarshare.catalog.services import sample_consume

        old = selectors.public_statistics()
        sample_consume(actor=people.curator, sample=world.a11_root, mass_ug=1_000, reason="analysis")
        generation = selectors.statistics_generation()
        cache.add(f"{selectors.statistics_cache_key(generation)}:computing", True, 60)  # another request is at it
        assert selectors.public_statistics() == old
        cache.delete(f"{selectors.statistics_cache_key(generation)}:computing")
        assert selectors.public_statistics()["generation"] == generation
