"""Directory search benchmark: p50/p95 of `search_services` by query type, size and backend.

    .venv/bin/python scripts/bench_search.py [--sizes 1000,10000,100000] [--postgres-url URL]
        [--queries 200] [--no-docs]

Generates N synthetic services (taxonomy links, locations spread over a 30 km area, ages,
languages, weekly/fortnightly/monthly sessions, hub opening hours and closures) into a fresh
SQLite file under var/bench/ and, when a PostgreSQL URL is given (or TEST_POSTGRES_URL is
set), into PostgreSQL (schema dropped and re-created, then migrated). The rows are
bulk-inserted with Core statements, which bypass the ORM's search-index upkeep, so the
search index is then rebuilt with `refresh_search_index` (timed separately). Then runs the
same queries of each type against each, and writes the "## Directory search" section of
docs/benchmarks.md, with the machine, its load average and the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from directory import contract  # noqa: E402
from directory.__main__ import migrate  # noqa: E402
from directory.core.db import make_engine  # noqa: E402
from directory.models import (  # noqa: E402
    Closure,
    Language,
    Location,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from directory.search import SearchQuery, search_services  # noqa: E402
from directory.search_index import refresh_search_index  # noqa: E402

LONDON = ZoneInfo("Europe/London")
CENTRE = (53.70, -1.90)
LANGS = ["pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
QUERY_TYPES = [
    "topic only",
    "topic + age",
    "topic + postcode (5 km)",
    "topic + day + time",
    "open now near a postcode (5 km)",
    "language + free",
]
SECTION = "## Directory search"


def topics() -> list[str]:
    """The topic intents of the contract."""
    return list(contract.intents("topic"))


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def generate(engine: Engine, n: int, seed: int = 42) -> dict[str, Any]:
    """Bulk-insert a synthetic directory of `n` services; returns what queries can pick from."""
    rng = random.Random(seed)
    codes = topics()
    lat0, lon0 = CENTRE
    rows: dict[Any, list[dict[str, Any]]] = {
        t: []
        for t in (
            Organization,
            TaxonomyTerm,
            Postcode,
            Location,
            Service,
            ServiceTaxonomy,
            ServiceAtLocation,
            Schedule,
            Language,
            Closure,
        )
    }
    rows[Organization].append({"id": "org-1", "name": "Bench Council", "description": ""})
    term_ids = {c: f"term-{c}" for c in codes}
    rows[TaxonomyTerm] += [
        {"id": term_ids[c], "code": c, "name": c, "description": "", "vocabulary": "bench"}
        for c in codes
    ]
    postcodes = []
    for i in range(500):
        pcds = f"CK{i % 9 + 1} {i // 9 % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}"
        if pcds in postcodes:
            continue
        postcodes.append(pcds)
        rows[Postcode].append(
            {
                "pcds": pcds,
                "pcd_compact": pcds.replace(" ", ""),
                "lat": lat0 + rng.uniform(-0.13, 0.13),
                "long": lon0 + rng.uniform(-0.22, 0.22),
            }
        )
    n_locations = max(20, n // 10)
    hubs = []
    for i in range(n_locations):
        is_hub = i % 10 == 0
        location_id = f"loc-{i:06d}"
        rows[Location].append(
            {
                "id": location_id,
                "name": f"Place {i}",
                "description": "",
                "location_type": "physical",
                "is_family_hub": is_hub,
                "address_1": f"{i} High Street",
                "city": "Calderbrook",
                "postal_code": rng.choice(postcodes),
                "accessibility": "",
                "transport": "",
                "latitude": lat0 + rng.uniform(-0.14, 0.14),
                "longitude": lon0 + rng.uniform(-0.24, 0.24),
            }
        )
        if is_hub:
            hubs.append(location_id)
            for days, opens, closes in (
                ("MO,TU,WE,TH,FR", "09:00", "17:00"),
                ("SA", "10:00", "13:00"),
            ):
                rows[Schedule].append(
                    _schedule(f"hrs-{i}-{days[:2]}", None, location_id, days, opens, closes)
                )
    rows[Closure] += [
        {
            "id": f"clo-bh-{d}",
            "location_id": None,
            "start_date": d,
            "end_date": d,
            "reason": "Bank holiday",
        }
        for d in (dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1))
    ]
    for i, hub in enumerate(hubs[::5]):
        day = dt.date(2026, 11, 2) + dt.timedelta(days=i % 30)
        rows[Closure].append(
            {
                "id": f"clo-{hub}",
                "location_id": hub,
                "start_date": day,
                "end_date": day,
                "reason": "Staff training",
            }
        )
    for i in range(n):
        service_id = f"svc-{i:07d}"
        ages = rng.random()
        if ages < 0.4:
            low, high = None, None
        elif ages < 0.6:
            low, high = 0, 12
        else:
            low = rng.choice([0, 12, 24, 36, 60])
            high = low + rng.choice([12, 24, 48, 120])
        rows[Service].append(
            {
                "id": service_id,
                "organization_id": "org-1",
                "name": f"Service {i}",
                "description": f"Support number {i} for families",
                "status": "active",
                "how_to_access": "",
                "eligibility_description": "",
                "minimum_age_months": low,
                "maximum_age_months": high,
                "for_pregnancy": rng.random() < 0.1,
                "is_free": rng.random() < 0.75,
                "fees_description": "",
            }
        )
        for code in rng.sample(codes, rng.choice([1, 1, 2])):
            rows[ServiceTaxonomy].append(
                {"service_id": service_id, "taxonomy_term_id": term_ids[code]}
            )
        if rng.random() < 0.15:
            rows[Language].append(
                {
                    "id": f"lang-{i}",
                    "service_id": service_id,
                    "code": rng.choice(LANGS),
                    "name": "",
                    "note": "",
                }
            )
        placement = rng.random()
        n_places = 0 if placement < 0.1 else 2 if placement > 0.9 else 1
        for p in range(n_places):
            location = rows[Location][rng.randrange(n_locations)]["id"]
            sal_id = f"sal-{i}-{p}"
            if any(
                r["id"] == f"sal-{i}-0" and r["location_id"] == location
                for r in rows[ServiceAtLocation][-2:]
            ):
                continue
            rows[ServiceAtLocation].append(
                {"id": sal_id, "service_id": service_id, "location_id": location, "description": ""}
            )
            if rng.random() < 0.6:
                for s in range(rng.choice([1, 1, 2])):
                    start_hour = rng.randint(9, 17)
                    kind = rng.random()
                    byday = ",".join(
                        sorted(rng.sample(DAYS[:6], rng.choice([1, 1, 2])), key=DAYS.index)
                    )
                    row = _schedule(
                        f"sch-{i}-{p}-{s}",
                        sal_id,
                        None,
                        byday,
                        f"{start_hour:02d}:00",
                        f"{start_hour + 1:02d}:30",
                    )
                    if kind < 0.1:
                        row.update(
                            freq="MONTHLY",
                            byday=f"{rng.choice([1, 2, 3, -1])}{rng.choice(DAYS[:5])}",
                        )
                    elif kind < 0.15:
                        row.update(interval=2, dtstart=dt.date(2026, 1, 5))
                    row["session_kind"] = rng.choice(["group", "drop_in", "course", "appointment"])
                    rows[Schedule].append(row)
    with engine.begin() as conn:
        for model, table_rows in rows.items():
            for chunk in _chunks(table_rows):
                conn.execute(insert(model), chunk)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    started = time.perf_counter()
    with engine.begin() as conn:
        index_rows = refresh_search_index(conn)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    index_seconds = time.perf_counter() - started
    counts = {m.__tablename__: len(r) for m, r in rows.items()}
    counts["search index rows"] = index_rows
    return {
        "postcodes": postcodes,
        "topics": codes,
        "counts": counts,
        "index_seconds": index_seconds,
    }


def _schedule(
    schedule_id: str,
    sal_id: str | None,
    location_id: str | None,
    byday: str,
    opens: str,
    closes: str,
) -> dict[str, Any]:
    return {
        "id": schedule_id,
        "service_at_location_id": sal_id,
        "location_id": location_id,
        "name": None,
        "session_kind": None,
        "freq": "WEEKLY",
        "interval": 1,
        "byday": byday,
        "bymonthday": None,
        "opens_at": dt.time.fromisoformat(opens),
        "closes_at": dt.time.fromisoformat(closes),
        "valid_from": None,
        "valid_to": None,
        "dtstart": None,
        "timezone": "Europe/London",
        "booking_required": False,
        "notes": "",
    }


def make_queries(
    kind: str, info: dict[str, Any], count: int, seed: int
) -> list[tuple[SearchQuery, dt.datetime]]:
    """`count` random queries of one type, each with the "now" it runs at (weekdays, daytime)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        now = dt.datetime(
            2026, 11, 2 + rng.randrange(5), rng.randint(9, 16), rng.choice([0, 30]), tzinfo=LONDON
        )
        topic = rng.choice(info["topics"])
        postcode = rng.choice(info["postcodes"])
        if kind == "topic only":
            q = SearchQuery(topic=topic)
        elif kind == "topic + age":
            q = SearchQuery(topic=topic, age_months=rng.randint(0, 200))
        elif kind == "topic + postcode (5 km)":
            q = SearchQuery(topic=topic, postcode=postcode, radius_km=5)
        elif kind == "topic + day + time":
            start = rng.randint(9, 15)
            q = SearchQuery(
                topic=topic,
                weekday=rng.randrange(6),
                time_from=dt.time(start),
                time_to=dt.time(start + 3),
            )
        elif kind == "open now near a postcode (5 km)":
            q = SearchQuery(open_now=True, postcode=postcode, radius_km=5)
        else:
            q = SearchQuery(language=rng.choice(LANGS), free_only=True)
        queries.append((q, now))
    return queries


def run(engine: Engine, info: dict[str, Any], per_type: int) -> dict[str, dict[str, float]]:
    """p50/p95/mean in ms and the mean total per query type."""
    results = {}
    for index, kind in enumerate(QUERY_TYPES):
        queries = make_queries(kind, info, per_type, seed=index)
        for q, now in queries[:5]:  # warm the pool, caches and plans
            with Session(engine) as s:
                search_services(s, q, now=now)
        timings, totals = [], []
        for q, now in queries:
            with Session(engine) as s:
                started = time.perf_counter()
                page = search_services(s, q, now=now)
                timings.append((time.perf_counter() - started) * 1000)
            totals.append(page.total)
        timings.sort()
        results[kind] = {
            "p50": statistics.median(timings),
            "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
            "mean_total": statistics.mean(totals),
        }
        print(
            f"  {kind:34} p50 {results[kind]['p50']:7.1f} ms  p95 {results[kind]['p95']:7.1f} ms"
            f"  (mean matches {results[kind]['mean_total']:.0f})",
            flush=True,
        )
    return results


def prepare_sqlite(n: int) -> Engine:
    path = ROOT / "var" / "bench" / f"search-{n}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    migrate(url)
    return make_engine(url)


def prepare_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(url)
    return engine


def load_average() -> str:
    """The 1/5/15-minute load averages (other jobs on the machine skew the figures)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    except OSError:
        pass
    ram = "?"
    try:
        match = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        ram = f"{int(match.group(1)) / 1024 / 1024:.1f} GB" if match else ram
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu}, {cores} cores, {ram} RAM, Python {platform.python_version()}, {platform.system()}"
    )


def write_docs(
    table: list[tuple[str, int, str, dict[str, float]]],
    command: str,
    notes: str,
    loads: tuple[str, str] = ("unknown", "unknown"),
    minutes: float = 0.0,
) -> None:
    """Write or replace the "## Directory search" section of docs/benchmarks.md."""
    lines = [
        SECTION,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}.",
        f"Load average (1 / 5 / 15 min) {loads[0]} at the start and {loads[1]} at the end",
        f"(other jobs share the machine); the whole run took {minutes:.1f} minutes.",
        "",
        f"Command: `{command}`",
        "",
        "Each figure is over the query type's queries (random topics, ages, postcodes, days,",
        'languages; "now" on weekday daytimes), timed around `search_services` with a new',
        "session per query, after 5 warm-up queries. Goal: p95 ≤ 20 ms at 100,000 services on",
        "PostgreSQL.",
        "",
        "| backend | services | query type | p50 ms | p95 ms | mean matches |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for backend, n, kind, r in table:
        lines.append(
            f"| {backend} | {n:,} | {kind} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['mean_total']:.0f} |"
        )
    if notes:
        lines += ["", notes]
    section = "\n".join(lines) + "\n"
    path = ROOT / "docs" / "benchmarks.md"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: section + "\n", current).rstrip() + "\n"
    else:
        updated = current.rstrip() + "\n\n" + section
    path.write_text(updated)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--queries", type=int, default=200, help="queries per type")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--notes", default="", help="text to add under the table")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    backends: list[tuple[str, Callable[[int], Engine]]] = [("SQLite", prepare_sqlite)]
    if args.postgres_url:
        url = args.postgres_url
        backends.append(("PostgreSQL", lambda _n: prepare_postgres(url)))
    else:
        print("No PostgreSQL URL (--postgres-url or TEST_POSTGRES_URL): SQLite only.")
    table = []
    load_at_start, run_started = load_average(), time.perf_counter()
    for n in sizes:
        for backend, prepare in backends:
            engine = prepare(n)
            started = time.perf_counter()
            info = generate(engine, n)
            print(
                f"{backend}, {n:,} services: loaded {info['counts']} in "
                f"{time.perf_counter() - started:.1f} s (search index "
                f"{info['index_seconds']:.1f} s of it); load average {load_average()}",
                flush=True,
            )
            for kind, result in run(engine, info, args.queries).items():
                table.append((backend, n, kind, result))
            engine.dispose()
    shown, skip = [], False
    for arg in argv or sys.argv[1:]:
        if skip or arg.startswith("--notes"):
            skip = arg == "--notes"  # its value follows
            continue
        shown.append(arg if "://" not in arg else "postgresql+psycopg://…")
    command = ".venv/bin/python scripts/bench_search.py " + " ".join(shown)
    if not args.no_docs:
        write_docs(
            table,
            command.strip(),
            args.notes,
            (load_at_start, load_average()),
            (time.perf_counter() - run_started) / 60,
        )
        print("Written to docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
