"""Benchmark: the pages that read many requests, over 1,000,000 submissions in PostgreSQL.

Run by hand (PostgreSQL on 127.0.0.1:5432, trust auth):

    python bench/bench_scale.py [--submissions 1000000] [--users 100000] [--samples 300]
                                [--database khidma_bench] [--keep]

Makes (or, with --keep, reuses) a database of its own, migrates it, and generates in SQL
the given number of submissions spread over the four services (with one or two status
events each): citizens with ~10 requests each, and one heavy account (a business filing
for many) with 2,000. Then it times, in this process through the app (the Flask test
client: routing, session, queries, rendering; no network), each a few hundred times:

- "my requests" of a typical citizen, and of the heavy account (its first page);
- the public inquiry by reference number (a random existing request);
- the staff queue's first page and a deep page, when the back office is installed;
- the queue's counts per status by themselves: read from the kept table, and by the
  GROUP BY the page ran before (side by side, for the record).

Prints p50/p95/p99 and max per page, and the queries' EXPLAIN timings for the worst one.
Paste the table into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEAVY = 2_000  # requests of the heavy account
TARGET_MS = 20.0


def database_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def make_database(name: str, keep: bool) -> bool:
    """Create the database; True when it was made now (False: kept from an earlier run)."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and keep:
            return False
        if exists:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return True


def make_app(url: str, tmp: Path) -> Any:
    from khidma.app import create_app

    app = create_app(
        {
            "DEV": True,
            "TESTING": True,
            "DATABASE_URL": url,
            "SERVICES_DIR": str(ROOT / "services.d"),
            "SECRET_KEY": "bench-scale-" + "Zq8Xw2Lp5Nc7Vb3Km9Hj4Rt6",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=tmp,
    )
    app.extensions["khidma.db"].upgrade()
    return app


def sample_answers(definition: Any) -> dict[str, Any]:
    """Answers of the shape the lists read: each top-level choice its first option, a
    name, a mobile."""
    answers: dict[str, Any] = {}
    for f in definition.all_fields():
        if f.group is not None:
            continue
        if f.type_name in ("select", "radio") and f.options:
            answers[f.id] = f.options[0].value
        elif f.type_name == "text":
            answers[f.id] = "نص للتجربة"
        elif f.type_name == "mobile":
            answers[f.id] = "+966501234567"
    return answers


def generate(app: Any, submissions: int, users: int) -> None:
    from sqlalchemy import text

    from khidma.definitions.snapshot import snapshot
    from khidma.storage.snapshots import save_definition

    registry = app.extensions["khidma.registry"]
    services = sorted(d.id for d in registry.services())
    database = app.extensions["khidma.db"]
    started = time.perf_counter()
    with database.session(write=True) as session:
        for service_id in services:
            d = registry.current(service_id)
            save_definition(session, d, snapshot(d))
    with database.engine.begin() as c:
        c.execute(
            text(
                """
                INSERT INTO users (token, national_id, name_ar, name_en, mobile, role,
                                   is_active, created_at, failed_logins, source)
                SELECT md5('user' || n), (1000000000 + n)::text, 'مواطن ' || n, 'Citizen ' || n,
                       '+9665' || lpad(n::text, 8, '0'), 'citizen', true, now(), 0, 'sso'
                FROM generate_series(1, :users) AS n
                """
            ),
            {"users": users},
        )
        for index, service_id in enumerate(services):
            d = registry.current(service_id)
            statuses = [s.id for s in d.workflow.statuses] or [d.workflow.initial]
            share = submissions // len(services) + (1 if index < submissions % len(services) else 0)
            c.execute(
                text(
                    """
                    INSERT INTO submissions (service_id, definition_version, definition_hash,
                        reference_seq, hijri_year, reference, status, token, user_id, answers,
                        declarations, applicant_name, submitted_at)
                    SELECT :service, :version, :hash, n, 1447, n || '/1447',
                           (CAST(:statuses AS text[]))[1 + (n % :nstatuses)],
                           md5(CAST(:salt AS text) || n),
                           CASE WHEN n <= :heavy THEN 1 ELSE 2 + (n * 7919) % (:users - 1) END,
                           CAST(:answers AS jsonb), '{}'::jsonb, 'مواطن ' || n,
                           now() - make_interval(secs => n * 17)
                    FROM generate_series(1, :share) AS n
                    """
                ),
                {
                    "service": service_id,
                    "salt": service_id,
                    "version": d.version,
                    "hash": d.hash,
                    "statuses": statuses,
                    "nstatuses": len(statuses),
                    "heavy": HEAVY // len(services),
                    "users": users,
                    "answers": json.dumps(sample_answers(d), ensure_ascii=False),
                    "share": share,
                },
            )
        c.execute(
            text(
                """
                INSERT INTO status_events (submission_id, to_status, actor_role, created_at)
                SELECT id, status, 'citizen', submitted_at FROM submissions
                """
            )
        )
        c.execute(
            text(
                """
                INSERT INTO status_events (submission_id, from_status, to_status, actor_role,
                                           created_at)
                SELECT id, status, status, 'staff', submitted_at + interval '1 day'
                FROM submissions WHERE id % 2 = 0
                """
            )
        )
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    print(f"generated {submissions:,} submissions in {time.perf_counter() - started:.0f} s")


def signed_in_client(app: Any, user_id: int) -> Any:
    from flask import session

    from khidma.storage.models import User
    from khidma.web import access

    with app.extensions["khidma.db"].session() as db:
        user = db.get_one(User, user_id)
        db.expunge(user)
    with app.test_request_context("/"):
        access.start_session(user, "sso")
        values = dict(session)
    client = app.test_client()
    with client.session_transaction() as kept:
        kept.update(values)
    return client


def staff_client(app: Any, agency: str) -> Any:
    """A signed-in officer of `agency` (made on the first run)."""
    from sqlalchemy import select

    from khidma.storage.models import Role
    from khidma.storage.models import User

    with app.extensions["khidma.db"].session(write=True) as db:
        user = db.scalar(select(User).where(User.username == f"bench-{agency}"))
        if user is None:
            user = User(username=f"bench-{agency}", role=Role.STAFF, agency_id=agency)
            db.add(user)
            db.flush()
        user_id = user.id
    return signed_in_client(app, user_id)


def deep_page(client: Any, pages: int) -> str:
    """The queue's URL `pages` pages in, by following its "next page" links."""
    import html
    import re

    url = "/backoffice"
    for _ in range(pages):
        found = re.search(r'<a class="button" href="([^"]+)">', client.get(url).get_data(True))
        if found is None:
            break
        url = html.unescape(found.group(1))
    return url


def timed(client: Any, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        times.append(elapsed)
    return times


def counts_alone(app: Any, registry: Any, agency: str, samples: int) -> list[str]:
    """The queue's counts per status by themselves, side by side: read from the kept
    table (what the page does) and by a GROUP BY over the agency's requests (what it did
    before revision 0008)."""
    from sqlalchemy import func
    from sqlalchemy import select

    from khidma.storage.counts import counts
    from khidma.storage.models import Submission

    services = [d.id for d in registry.services() if d.agency.id == agency]
    grouped = (
        select(Submission.status, func.count())
        .where(Submission.service_id.in_(services))
        .group_by(Submission.status)
    )
    database = app.extensions["khidma.db"]
    rows = []
    for name, query in (
        ("counts alone — kept table", lambda s: counts(s, services)),
        ("counts alone — GROUP BY (before)", lambda s: dict(s.execute(grouped).all())),
    ):
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            with database.session() as session:
                query(session)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(report(name, times))
    return rows


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, times: list[float]) -> str:
    p99 = percentile(times, 99)
    verdict = "ok" if p99 <= TARGET_MS else "OVER"
    return (
        f"| {name} | {len(times)} | {statistics.median(times):.1f} | {percentile(times, 95):.1f}"
        f" | {p99:.1f} | {max(times):.1f} | {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--database", default="khidma_bench")
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run")
    args = parser.parse_args()

    import tempfile

    made = make_database(args.database, args.keep)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(database_url(args.database), Path(tmp))
        if made:
            generate(app, args.submissions, args.users)
        registry = app.extensions["khidma.registry"]
        services = sorted(d.id for d in registry.services())
        rng = random.Random(7)
        typical = signed_in_client(app, 2 + rng.randrange(args.users - 1))
        heavy = signed_in_client(app, 1)
        anyone = app.test_client()
        per_service = args.submissions // len(services)
        inquiries = [
            f"/inquiry?service={rng.choice(services)}&number={rng.randrange(1, per_service)}"
            "&year=1447"
            for _ in range(args.samples)
        ]
        agency = registry.current("emirate_visit").agency.id
        staff = staff_client(app, agency)
        deep = deep_page(staff, 100)
        rows = []
        for name, client, paths in (
            ("staff queue — first page", staff, ["/backoffice"] * args.samples),
            ("staff queue — page 101 (keyset)", staff, [deep] * args.samples),
            ("my requests — a citizen (~10)", typical, ["/account"] * args.samples),
            (f"my requests — heavy account ({HEAVY:,})", heavy, ["/account"] * args.samples),
            ("public inquiry by reference", anyone, inquiries),
        ):
            timed(client, paths[:20])  # warm-up: templates compiled, connections open
            rows.append(report(name, timed(client, paths)))
        rows += counts_alone(app, registry, agency, args.samples)
        print(f"\n{args.submissions:,} submissions, {args.users:,} citizens, PostgreSQL")
        print("| page | samples | p50 ms | p95 ms | p99 ms | max ms | p99 ≤ 20 ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        print("\n".join(rows))


if __name__ == "__main__":
    os.environ.setdefault("KHIDMA_LOG_FORMAT", "text")
    main()
