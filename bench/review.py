"""Benchmark of automatic reviewer assignment (``POST /api/v1/rounds/{id}/assign-reviewers/``).

Builds, in a throwaway database, one round with ``2,000 × scale`` applications under review
(each with two team members) from 60 institutions in 12 countries, a pool of ``300 × scale``
reviewers spread over the same institutions (same institution = conflict) of whom each has
declared ``5`` random co-authors among the team members (random declared conflicts), and
assigns 3 reviewers to every application. It reports, each with time and load balance
(min/max assignments per reviewer):

* raw SQL  — one ``INSERT … SELECT`` that takes, per application, the first 3 reviewers of a
             pseudo-random order outside the applicant's institution (no declared conflicts, no
             balance): the floor of what the database can do;
* greedy   — the naive algorithm (first k non-conflicted reviewers, expertise first), in memory;
* balanced — ``programs.assignment.assign`` (most constrained first, least loaded, repair), in memory;
* service  — ``round_assign_reviewers`` end to end: loads the pool, computes every conflict
             (institution, team, declared co-authors), runs ``balanced``, inserts the reviews and
             writes the audit event.

Usage::

    .venv/bin/python bench/review.py --scale 0.05      # SQLite temp file, seconds
    .venv/bin/python bench/review.py                   # 2,000 applications, 300 reviewers
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_review .venv/bin/python bench/review.py

With ``DATABASE_URL`` the named database is dropped and created again; its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import random
import time

from _common import prepare_database  # noqa: E402  (bench/ is the script's folder, first on sys.path)

K = 3
COUNTRIES = ["CN", "DE", "FR", "GB", "JP", "PK", "US", "IT", "AU", "CA", "IN", "BR"]
TAGS = ["basalt", "regolith", "isotopes", "spectroscopy", "mineralogy", "geochronology", "space weathering",
        "volatiles", "magnetism", "petrology"]


def build(n_apps: int, n_reviewers: int, seed: int = 7) -> dict:
    """Bulk-inserts the data set (setup, not the thing measured)."""
    from django.utils import timezone

    from lunarshare.accounts.models import Institution, Role, RoleGrant, User
    from lunarshare.programs.models import Application, ConflictDeclaration, Round, TeamMember

    rng = random.Random(seed)
    now = timezone.now()
    institutions = Institution.objects.bulk_create(
        [Institution(name_en=f"Bench institute {i}", country=COUNTRIES[i % len(COUNTRIES)]) for i in range(60)])
    officer = User.objects.create(username="bench-officer", institution=institutions[0])
    RoleGrant.objects.create(user=officer, role=Role.OFFICER)
    applicants = User.objects.bulk_create([
        User(username=f"applicant{i}", institution=institutions[i % 60]) for i in range(max(50, n_apps // 10))])
    reviewers = User.objects.bulk_create([
        User(username=f"reviewer{i}", institution=rng.choice(institutions), expertise=rng.sample(TAGS, 3))
        for i in range(n_reviewers)])
    RoleGrant.objects.bulk_create([RoleGrant(user=r, role=Role.REVIEWER) for r in reviewers])
    round_ = Round.objects.create(code="bench", title_en="Bench round", opens_at=now - timezone.timedelta(days=1),
                                  closes_at=now + timezone.timedelta(days=30), status=Round.Status.CLOSED)
    apps = []
    for i in range(n_apps):
        applicant = applicants[i % len(applicants)]
        apps.append(Application(round=round_, applicant=applicant, institution_id=applicant.institution_id,
                                title=f"Study {i} of {' and '.join(rng.sample(TAGS, 2))}",
                                status=Application.Status.UNDER_REVIEW, reference=f"B-{i:06d}"))
    apps = Application.objects.bulk_create(apps)
    team = [TeamMember(application=a, name=f"Researcher {i}-{j}", institution_name="") for i, a in enumerate(apps)
            for j in range(2)]
    TeamMember.objects.bulk_create(team)
    names = [m.name for m in team]
    ConflictDeclaration.objects.bulk_create([
        ConflictDeclaration(reviewer=r, with_name=name) for r in reviewers for name in rng.sample(names, 5)])
    return {"round": round_, "officer": officer}


def _spread(loads: dict) -> tuple[int, int]:
    values = list(loads.values())
    return (min(values), max(values)) if values else (0, 0)


def raw_sql(round_) -> tuple[float, tuple[int, int]]:
    from django.db import connection, transaction

    from lunarshare.programs.models import Review

    sql = """
        INSERT INTO programs_review (application_id, reviewer_id, status, scores, comment, conflict_reason,
                                     automatic, assigned_at)
        SELECT app_id, reviewer_id, 'assigned', '{}', '', '', TRUE, CURRENT_TIMESTAMP FROM (
            SELECT a.id AS app_id, u.id AS reviewer_id,
                   ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY (a.id * 7919 + u.id * 104729) % 1000003) AS rn
            FROM programs_application a
            CROSS JOIN accounts_user u
            JOIN accounts_rolegrant g ON g.user_id = u.id AND g.role = 'reviewer'
            WHERE a.round_id = %s AND a.status = 'under_review' AND u.institution_id <> a.institution_id
        ) ranked WHERE rn <= %s
    """
    with transaction.atomic():
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [round_.pk, K])
        elapsed = time.perf_counter() - start
        loads: dict = {}
        for reviewer_id in Review.objects.filter(application__round=round_).values_list("reviewer_id", flat=True):
            loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
        transaction.set_rollback(True)
    return elapsed, _spread(loads)


def in_memory(round_) -> dict:
    from lunarshare.programs import assignment
    from lunarshare.programs.models import Application
    from lunarshare.programs.selectors import conflict_checker, reviewer_pool

    reviewers = list(reviewer_pool())
    apps = list(Application.objects.filter(round=round_).select_related("institution", "applicant")
                .prefetch_related("team"))
    conflicted = conflict_checker(round_, apps, reviewers)
    pairs = {(a.pk, r.pk) for a in apps for r in reviewers if conflicted(a.pk, r.pk)}
    needs = [assignment.Need(a.pk, K, frozenset(a.title.split())) for a in apps]
    candidates = [assignment.Candidate(r.pk, frozenset(r.expertise)) for r in reviewers]
    results = {}
    for name, fn in (("greedy", assignment.greedy_baseline), ("balanced", assignment.assign)):
        start = time.perf_counter()
        result = fn(needs, candidates, lambda a, r: (a, r) in pairs)
        results[name] = (time.perf_counter() - start, _spread(result.loads),
                         sum(1 for a, rs in result.assignments.items() for r in rs if (a, r) in pairs))
    results["conflict_pairs"] = len(pairs)
    return results


def service(round_, officer) -> tuple[float, tuple[int, int], int]:
    from lunarshare.programs import services
    from lunarshare.programs.models import Review
    from lunarshare.programs.selectors import conflict_checker, reviewer_pool

    start = time.perf_counter()
    summary = services.round_assign_reviewers(actor=officer, round_=round_, per_application=K)
    elapsed = time.perf_counter() - start
    reviews = list(Review.objects.filter(application__round=round_).select_related(
        "application__institution", "application__applicant").prefetch_related("application__team"))
    apps = list({r.application_id: r.application for r in reviews}.values())
    check = conflict_checker(round_, apps, list(reviewer_pool()))
    violations = sum(1 for r in reviews if check(r.application_id, r.reviewer_id))
    return elapsed, (summary["min_load"], summary["max_load"]), violations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000 applications and 300 reviewers")
    args = parser.parse_args()
    database = prepare_database("review")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    n_apps, n_reviewers = max(20, int(2000 * args.scale)), max(10, int(300 * args.scale))
    print(f"database: {database}; {n_apps:,} applications, {n_reviewers:,} reviewers, k = {K}")
    call_command("migrate", verbosity=0)
    from django.urls import reverse

    reverse("programs:my-reviews")  # load the URL map once, as a running server has
    start = time.perf_counter()
    data = build(n_apps, n_reviewers)
    print(f"setup: {time.perf_counter() - start:.1f} s")

    raw_time, raw_spread = raw_sql(data["round"])
    memory = in_memory(data["round"])
    service_time, service_spread, violations = service(data["round"], data["officer"])
    print(f"conflicted (application, reviewer) pairs: {memory['conflict_pairs']:,}")
    print(f"{'method':<10} {'time':>10} {'min load':>9} {'max load':>9} {'vs raw SQL':>11}  conflicted assignments")
    rows = [("raw SQL", raw_time, raw_spread, "n/a (ignores declared conflicts)"),
            ("greedy", memory["greedy"][0], memory["greedy"][1], memory["greedy"][2]),
            ("balanced", memory["balanced"][0], memory["balanced"][1], memory["balanced"][2]),
            ("service", service_time, service_spread, violations)]
    for name, seconds, (low, high), conflicts in rows:
        print(f"{name:<10} {seconds * 1000:>8.0f} ms {low:>9} {high:>9} {seconds / raw_time:>10.1f}×  {conflicts}")
    ok = service_time < 5 and service_spread[1] - service_spread[0] <= 1 and violations == 0
    print("aim (service under 5 s, max load ≤ min + 1, no conflicted reviewer):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
