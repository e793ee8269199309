"""Store benchmark on the office data set: demo generation, search, statistics and list pages.

    python bench/store.py [--data-dir DIR] [--keep] [--repeat N]

Builds the "office" demo data set (20,000 enterprises, ~60,000 visits, ~150,000 problems,
~400,000 follow-up actions) in DIR (default: a temporary folder, removed unless --keep; a DIR
already holding data is reused and generation skipped), timing it. Then each measure is the
median of N warm repetitions (after one warm-up) of a service call, printed beside the same SQL
run through plain ``sqlite3`` on the same file, with the ratio service/raw. Targets (design.md
§5): any 1–3 character Chinese search < 50 ms; a year's statistics by department < 200 ms.
problems.count(search=) is shown too (the ledger runs it beside list()), without a target.
Not part of the test suite; always exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from liaison_app import paths
from liaison_app.domain.labels import SATISFIED_GRADES
from liaison_app.domain.lifecycle import OPEN_STATUSES, RESOLVED_STATUSES
from liaison_app.domain.search_text import match_expression
from liaison_app.services.store import Store, open_store

SEARCH_MS, STATS_MS = 50.0, 200.0
# (term, note): 1-, 2- and 3-character terms from demo/content.py, then two very common ones.
TERMS = [("贷", "1 char"), ("融资", "2 chars"), ("留抵退", "3 chars")]
TERMS += [("协调", "common"), ("企", "common 1 char")]

PROBLEM_COLS = (
    "problem.id, problem.number, problem.local_no, problem.enterprise_id, problem.visit_id, "
    "problem.source, problem.raised_on, problem.category, problem.description, problem.request, "
    "problem.urgency, problem.shared, problem.lead_department, problem.co_departments, "
    "problem.accepted_on, problem.assigned_on, problem.deadline, problem.status, problem.result, "
    "problem.resolved_on, problem.callback_on, problem.callback_by, problem.satisfaction, "
    "problem.dissatisfied_reason, problem.closed_on, problem.reopen_count, problem.officer, "
    "problem.created_at, problem.updated_at, problem.deleted_at"
)
# ProblemService.query / list / count, search_index.find / match_subquery, as plain SQL.
PAGE = (
    f"SELECT {PROBLEM_COLS}, enterprise.name, enterprise.district_code FROM problem "
    "JOIN enterprise ON enterprise.id = problem.enterprise_id WHERE problem.deleted_at IS NULL "
)
BY_RAISED = " ORDER BY problem.raised_on DESC, problem.id DESC LIMIT 50 OFFSET 0"
FTS_SUB = (
    "SELECT d.ref_id FROM search_fts f JOIN search_doc d ON d.id = f.rowid "
    "WHERE search_fts MATCH ? AND d.kind = ?"
)
FIND = (
    "SELECT d.kind, d.ref_id FROM search_fts f JOIN search_doc d ON d.id = f.rowid "
    "WHERE search_fts MATCH ? AND d.kind IN (?) ORDER BY f.rowid DESC LIMIT ?"
)
HITS = f"SELECT {PROBLEM_COLS}, enterprise.name FROM problem JOIN enterprise ON "
HITS += "enterprise.id = problem.enterprise_id WHERE problem.id IN "
COUNT = "SELECT count(problem.id) FROM problem WHERE problem.deleted_at IS NULL "
DEADLINE = " ORDER BY problem.deadline IS NULL, problem.deadline, problem.id LIMIT 50 OFFSET 0"
ENTERPRISES = (
    "SELECT enterprise.*, coalesce(o.n, 0) FROM enterprise LEFT OUTER JOIN "
    "(SELECT enterprise_id, count(*) AS n FROM problem WHERE deleted_at IS NULL AND status IN {} "
    "GROUP BY enterprise_id) AS o ON o.enterprise_id = enterprise.id "
    "WHERE enterprise.deleted_at IS NULL ORDER BY enterprise.name, enterprise.id LIMIT 50 OFFSET 0"
)


def q_in(values: object) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"  # type: ignore[call-overload]


def stats_sql(key: str, join: bool, dated: bool, today: dt.date) -> str:
    """StatisticsService.figures as SQL (codes inlined where SQLAlchemy binds them: same plan)."""
    resolved, open_ = q_in(RESOLVED_STATUSES), q_in(OPEN_STATUSES)
    return (
        f"SELECT {key} AS key, count(*) AS received, "
        f"sum(CASE WHEN problem.status IN {resolved} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN problem.status IN {resolved} AND (problem.deadline IS NULL "
        "OR problem.resolved_on <= problem.deadline) THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN problem.status IN {open_} AND problem.deadline < '{today}' THEN 1 ELSE 0 "
        "END), sum(CASE WHEN problem.status IN ('called_back', 'closed') THEN 1 ELSE 0 END), "
        "sum(CASE WHEN problem.satisfaction IS NOT NULL THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN problem.satisfaction IN {q_in(SATISFIED_GRADES)} THEN 1 ELSE 0 END) "
        "FROM problem"
        + (" JOIN enterprise ON enterprise.id = problem.enterprise_id" if join else "")
        + " WHERE problem.deleted_at IS NULL"
        + (" AND problem.raised_on >= ? AND problem.raised_on <= ?" if dated else "")
        + f" GROUP BY {key} ORDER BY count(*) DESC, key"
    )


def pad(text: str, width: int) -> str:
    """Left-justify by display width (a Chinese character takes two columns)."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return text + " " * (width - len(text) - wide)


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def build(data_dir: Path) -> Store:
    db_path = paths.database_path(data_dir)
    if db_path.exists():
        with sqlite3.connect(db_path) as con:
            try:
                n = con.execute("SELECT count(*) FROM enterprise").fetchone()[0]
            except sqlite3.OperationalError:
                n = 0
        if n:
            print(f"reusing {db_path} ({n} enterprises): generation skipped")
            return open_store(data_dir)
    store = open_store(data_dir)
    print(f"generating the office data set in {data_dir} …", flush=True)
    t0 = time.perf_counter()
    res = store.demo.generate("office", progress=lambda d, t: print(f"\r  {d}/{t}", end=""))
    took = time.perf_counter() - t0
    rows = res.enterprises + res.visits + res.problems + res.actions
    docs = res.enterprises + res.visits + res.problems
    print(
        f"\r  {res.enterprises} enterprises, {res.visits} visits, {res.problems} problems, "
        f"{res.actions} actions = {rows} rows (+{docs} search docs) in {took:.1f} s: "
        f"{rows / took:,.0f} rows/s"
    )
    return store


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    temp = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="liaison-bench-")) if temp else args.data_dir
    store = build(data_dir)
    con = sqlite3.connect(paths.database_path(data_dir))
    today = dt.date.today()
    year = (today - dt.timedelta(days=365), today)
    n = args.repeat

    def raw(sql: str, *params: object) -> Callable[[], object]:
        return lambda: con.execute(sql, params).fetchall()

    def raw_search(term: str) -> Callable[[], object]:
        """SearchService.search: the FTS page of ids, then their rows with the firm's name."""

        def run() -> object:
            ids = [r[1] for r in con.execute(FIND, (match_expression(term), "problem", 50))]
            return con.execute(HITS + "(" + ", ".join("?" * len(ids)) + ")", ids).fetchall()

        return run

    def raw_stats(key: str, ref: str, join: bool = False, dated: bool = False) -> Callable:
        sql, params = stats_sql(key, join, dated, today), [str(d) for d in year] if dated else []
        labels = f"SELECT code, name_zh, name_en FROM {ref}"
        return lambda: (con.execute(sql, params).fetchall(), con.execute(labels).fetchall())

    # (name, service call, raw sqlite3 call, target in ms or None)
    cases: list[tuple[str, Callable[[], object], Callable[[], object], float | None]] = []

    def add(name: str, service: Callable, raw_fn: Callable, target: float | None = None) -> None:
        cases.append((name, service, raw_fn, target))

    problems, stats = store.problems, store.stats.figures
    for term, note in TERMS:
        hits = con.execute(f"SELECT count(*) FROM ({FTS_SUB})", (match_expression(term), "problem"))
        print(f"  {term!r}: {hits.fetchone()[0]} problems match")
        service = lambda t=term: store.search.search(t, kinds=("problem",), limit=50)  # noqa: E731
        add(f"search {term} ({note})", service, raw_search(term), SEARCH_MS)
    for term, note in TERMS:
        sql, expr = PAGE + f"AND problem.id IN ({FTS_SUB})" + BY_RAISED, match_expression(term)
        service = lambda t=term: problems.list(search=t, limit=50)  # noqa: E731
        add(f"problems.list search={term} ({note})", service, raw(sql, expr, "problem"), SEARCH_MS)
    for term, note in TERMS:
        sql, expr = COUNT + f"AND problem.id IN ({FTS_SUB})", match_expression(term)
        service = lambda t=term: problems.count(search=t)  # noqa: E731
        add(f"problems.count search={term} ({note})", service, raw(sql, expr, "problem"))
    dept = raw_stats("problem.lead_department", "department", dated=True)
    add("stats by department, one year", lambda: stats(*year, by="department"), dept, STATS_MS)
    cat = raw_stats("problem.category", "category")
    add("stats by category, all time", lambda: stats(by="category"), cat)
    district = raw_stats("enterprise.district_code", "district", join=True)
    add("stats by district, all time", lambda: stats(by="district"), district)
    by_deadline = lambda: problems.list(sort="deadline", limit=50)  # noqa: E731
    add("problems by deadline, first 50", by_deadline, raw(PAGE + DEADLINE))
    overdue = PAGE + f"AND problem.status IN {q_in(OPEN_STATUSES)} AND problem.deadline < ?"
    overdue_page = raw(overdue + BY_RAISED, str(today))
    add("problems overdue, first 50", lambda: problems.list(overdue=True, limit=50), overdue_page)
    ents = raw(ENTERPRISES.format(q_in(OPEN_STATUSES)))
    add("enterprises, first 50", lambda: store.enterprises.list(limit=50), ents)

    print(f"\nmedian of {n} warm runs (after one warm-up), ms\n")
    print(f"{'measure':44} {'service':>9} {'raw sql':>9} {'ratio':>7}  target")
    failed, checked = [], 0
    for name, service, raw_fn, target in cases:
        s_ms, r_ms = timed(service, n), timed(raw_fn, n)
        verdict = "-"
        if target is not None:
            checked += 1
            verdict = f"{'PASS' if s_ms < target else 'FAIL'} <{target:g}"
            if s_ms >= target:
                failed.append(name)
        print(f"{pad(name, 44)} {s_ms:9.2f} {r_ms:9.2f} {s_ms / r_ms:7.2f}  {verdict}", flush=True)
    print(
        f"\nSUMMARY: {checked - len(failed)}/{checked} targets met"
        + (f"; missed: {', '.join(failed)}" if failed else "")
    )
    con.close()
    store.close()
    if temp and not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    elif temp:
        print(f"data kept in {data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
