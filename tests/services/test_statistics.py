"""Statistics against hand-computed figures: overall, by group and by period.

Today is 2026-11-20. Nine live problems (and one deleted) at two enterprises:

| #  | firm | raised     | category | department | deadline   | what happened                          |
|----|------|------------|----------|------------|------------|----------------------------------------|
| P1 | A    | 2026-10-05 | funding  | finance    | 2026-10-20 | resolved 10-15, very satisfied, closed |
| P2 | A    | 2026-10-10 | funding  | finance    | 2026-10-20 | resolved 10-25 (late), satisfied       |
| P3 | A    | 2026-10-12 | labour   | tax        | 2026-11-10 | in progress → overdue                  |
| P4 | B    | 2026-10-20 | labour   | tax        | —          | resolved 11-01 (on time: no deadline)  |
| P5 | B    | 2026-11-02 | funding  | tax        | 2026-11-30 | assigned, not yet due                  |
| P6 | B    | 2026-11-05 | labour   | finance    | 2026-11-15 | assigned → overdue                     |
| P7 | A    | 2026-11-10 | labour   | tax        | 2026-11-18 | resolved 11-18, dissatisfied → overdue |
| P8 | B    | 2026-11-12 | funding  | tax        | 2026-11-19 | resolved 11-16                         |
| P9 | B    | 2026-11-15 | labour   | —          | —          | rejected (never overdue)               |
| —  | A    | 2026-11-01 | funding  | finance    | 2026-11-02 | deleted: counts nowhere                |

A is in district 210102 (Shenyang), B in 210211 (Dalian). A department and a deadline are
given the only way they can be: accepted and assigned on the day the problem was raised.
"""

from __future__ import annotations

import datetime as dt

import pytest

from liaison_app.domain.labels import format_rate
from liaison_app.domain.lifecycle import StepInput
from liaison_app.errors import ValidationError
from liaison_app.services.store import Store

TODAY = dt.date(2026, 11, 20)
D = dt.date.fromisoformat

FIELDS = (
    "received",
    "resolved",
    "resolved_on_time",
    "overdue",
    "called_back",
    "rated",
    "satisfied",
)


@pytest.fixture
def figures_store(store: Store, clock) -> Store:  # type: ignore[no-untyped-def]
    a = store.enterprises.create({"name": "沈阳华晨机械", "district_code": "210102"}).record.id
    b = store.enterprises.create({"name": "大连港物流", "district_code": "210211"}).record.id
    ps = store.problems

    def problem(
        firm: str, raised: str, category: str, dept: str | None, deadline: str | None
    ) -> str:
        fields = {"category": category, "description": f"{category} 问题", "raised_on": raised}
        clock.day = D(raised)  # recorded on the day it was raised
        ident = ps.create(fields, enterprise_id=firm).record.id
        if dept:
            ps.step(ident, "accept")
            ps.step(
                ident,
                "assign",
                StepInput(department=dept, deadline=D(deadline) if deadline else None),
            )
        return ident

    def on(day: str, ident: str, step: str, **inp: object) -> None:
        clock.day = D(day)
        ps.step(ident, step, StepInput(**inp))  # type: ignore[arg-type]

    p1 = problem(a, "2026-10-05", "funding", "finance", "2026-10-20")
    on("2026-10-15", p1, "resolve", note="已续贷")
    on("2026-10-16", p1, "callback", satisfaction="very_satisfied")
    on("2026-10-17", p1, "close")

    p2 = problem(a, "2026-10-10", "funding", "finance", "2026-10-20")
    on("2026-10-25", p2, "resolve", note="已协调")
    on("2026-10-26", p2, "callback", satisfaction="satisfied")

    p3 = problem(a, "2026-10-12", "labour", "tax", "2026-11-10")
    on("2026-10-14", p3, "start")

    p4 = problem(b, "2026-10-20", "labour", "tax", None)
    on("2026-11-01", p4, "resolve", note="已招到工人")

    problem(b, "2026-11-02", "funding", "tax", "2026-11-30")  # P5

    problem(b, "2026-11-05", "labour", "finance", "2026-11-15")  # P6 stays assigned

    p7 = problem(a, "2026-11-10", "labour", "tax", "2026-11-18")
    on("2026-11-18", p7, "resolve", note="已办")
    on("2026-11-19", p7, "callback", satisfaction="dissatisfied", note="没有解决")

    p8 = problem(b, "2026-11-12", "funding", "tax", "2026-11-19")
    on("2026-11-16", p8, "resolve", note="已办")

    p9 = problem(b, "2026-11-15", "labour", None, None)
    on("2026-11-15", p9, "reject", note="不属于受理范围")

    gone = problem(a, "2026-11-01", "funding", "finance", "2026-11-02")
    ps.delete(gone)

    clock.day = TODAY
    return store


def counts(figures) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(getattr(figures, f) for f in FIELDS)


def test_overall_figures(figures_store: Store) -> None:
    report = figures_store.stats.figures()
    f = report.overall
    #                  received resolved on_time overdue called_back rated satisfied
    assert counts(f) == (9, 4, 3, 3, 2, 3, 2)
    assert f.resolution_rate == pytest.approx(4 / 9)
    assert f.on_time_rate == pytest.approx(3 / 4)
    assert f.callback_rate == pytest.approx(2 / 4)
    assert f.satisfaction_rate == pytest.approx(2 / 3)
    assert format_rate(f.resolution_rate) == "44.4%"
    assert format_rate(f.satisfaction_rate) == "66.7%"
    assert report.groups == ()


def test_overdue_count_matches_the_overdue_list(figures_store: Store) -> None:
    overdue = figures_store.problems.list(overdue=True)
    assert len(overdue) == figures_store.stats.figures().overall.overdue == 3
    assert {p.raised_on for p in overdue} == {D("2026-10-12"), D("2026-11-05"), D("2026-11-10")}


def test_by_category(figures_store: Store) -> None:
    report = figures_store.stats.figures(by="category")
    groups = {g.key: g for g in report.groups}
    assert set(groups) == {"funding", "labour"}
    assert counts(groups["funding"]) == (4, 3, 2, 0, 2, 2, 2)
    assert counts(groups["labour"]) == (5, 1, 1, 3, 0, 1, 0)
    assert groups["funding"].resolution_rate == pytest.approx(3 / 4)
    assert groups["funding"].on_time_rate == pytest.approx(2 / 3)
    assert groups["funding"].satisfaction_rate == 1.0
    assert groups["labour"].resolution_rate == pytest.approx(1 / 5)
    assert groups["labour"].callback_rate == 0.0
    assert groups["labour"].satisfaction_rate == 0.0
    assert groups["funding"].label == "资金与融资"
    assert [g.key for g in report.groups] == ["labour", "funding"]  # most problems first
    assert counts(report.overall) == (9, 4, 3, 3, 2, 3, 2)


def test_by_category_in_english(figures_store: Store) -> None:
    report = figures_store.stats.figures(by="category", lang="en")
    assert {g.key: g.label for g in report.groups} == {
        "funding": "Funding & credit",
        "labour": "Hiring & labour",
    }


def test_by_department(figures_store: Store) -> None:
    groups = {g.key: g for g in figures_store.stats.figures(by="department").groups}
    assert set(groups) == {"finance", "tax", None}  # P9 was never assigned
    assert counts(groups["finance"]) == (3, 2, 1, 1, 2, 2, 2)
    assert counts(groups["tax"]) == (5, 2, 2, 2, 0, 1, 0)
    assert counts(groups[None]) == (1, 0, 0, 0, 0, 0, 0)
    assert groups["finance"].on_time_rate == pytest.approx(1 / 2)
    assert groups["tax"].resolution_rate == pytest.approx(2 / 5)
    assert groups["finance"].label == "财政局"


def test_by_district(figures_store: Store) -> None:
    groups = {g.key: g for g in figures_store.stats.figures(by="district").groups}
    assert set(groups) == {"210102", "210211"}
    assert counts(groups["210102"]) == (4, 2, 1, 2, 2, 3, 2)
    assert counts(groups["210211"]) == (5, 2, 2, 1, 0, 0, 0)
    assert groups["210211"].satisfaction_rate is None  # nobody was asked
    assert format_rate(groups["210211"].satisfaction_rate) == "—"
    assert groups["210102"].label == "和平区"


def test_by_month(figures_store: Store) -> None:
    groups = {g.key: g for g in figures_store.stats.figures(by="month").groups}
    assert set(groups) == {"2026-10", "2026-11"}
    assert counts(groups["2026-10"]) == (4, 3, 2, 1, 2, 2, 2)
    assert counts(groups["2026-11"]) == (5, 1, 1, 2, 0, 1, 0)


def test_by_officer(figures_store: Store) -> None:
    groups = figures_store.stats.figures(by="officer").groups
    assert [(g.key, counts(g)) for g in groups] == [("王小明", (9, 4, 3, 3, 2, 3, 2))]


def test_period_filters_use_the_date_raised(figures_store: Store) -> None:
    stats = figures_store.stats
    november = stats.figures(date_from=D("2026-11-01"), date_to=D("2026-11-30"))
    assert counts(november.overall) == (5, 1, 1, 2, 0, 1, 0)
    october = stats.figures(date_from=D("2026-10-01"), date_to=D("2026-10-31"))
    assert counts(october.overall) == (4, 3, 2, 1, 2, 2, 2)
    # Bounds are inclusive: P3 (10-12) to P7 (11-10).
    middle = stats.figures(date_from=D("2026-10-12"), date_to=D("2026-11-10"))
    assert middle.overall.received == 5
    assert counts(stats.figures(date_from=D("2026-11-13")).overall) == (1, 0, 0, 0, 0, 0, 0)
    assert counts(stats.figures(date_to=D("2026-10-09")).overall) == (1, 1, 1, 0, 1, 1, 1)
    grouped = stats.figures(date_from=D("2026-11-01"), by="category")
    assert {g.key: g.received for g in grouped.groups} == {"funding": 2, "labour": 3}


def test_empty_period(figures_store: Store) -> None:
    report = figures_store.stats.figures(date_from=D("2025-01-01"), date_to=D("2025-12-31"))
    assert counts(report.overall) == (0,) * 7
    assert report.overall.resolution_rate is None
    assert figures_store.stats.figures(date_to=D("2025-12-31"), by="district").groups == ()


def test_overdue_depends_on_today(figures_store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.day = D("2026-12-01")  # P5 (due 11-30) is now overdue as well
    assert figures_store.stats.figures().overall.overdue == 4


def test_as_dict_states_the_basis(figures_store: Store) -> None:
    out = figures_store.stats.figures(date_from=D("2026-10-01"), by="category").as_dict()
    assert out["from"] == "2026-10-01"
    assert out["to"] is None
    assert out["period_basis"] == "date raised"
    assert out["satisfied_grades"] == ["basically_satisfied", "satisfied", "very_satisfied"]
    assert out["received"] == 9
    assert out["resolution_rate"] == pytest.approx(4 / 9)
    assert {g["key"] for g in out["groups"]} == {"funding", "labour"}


def test_bad_requests(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.stats.figures(by="colour")
    assert info.value.for_field("by") is not None
    with pytest.raises(ValidationError) as info:
        store.stats.figures(date_from=D("2026-11-02"), date_to=D("2026-11-01"))
    assert info.value.for_field("from") is not None


def test_no_problems_at_all(store: Store) -> None:
    f = store.stats.figures().overall
    assert counts(f) == (0,) * 7
    assert format_rate(f.resolution_rate) == "—"


def test_two_districts_of_one_name_are_told_apart_by_their_city(store: Store) -> None:
    """Shenyang (210106) and Anshan (210303) both have a 铁西区: the breakdown, the reports'
    names and the command line's labels say the city."""
    from liaison_app.domain.labels import label

    for code in ("210106", "210303"):
        firm = store.enterprises.create({"name": f"铁西企业{code}", "district_code": code})
        visit = store.visits.create(firm.record.id, {"visit_date": "2026-11-10"}).record.id
        store.problems.create({"category": "funding", "description": "贷款"}, visit_id=visit)
    zh = {g.key: g.label for g in store.stats.figures(None, None, "district", "zh_CN").groups}
    assert zh == {"210106": "沈阳市铁西区", "210303": "鞍山市铁西区"}
    en = {g.key: g.label for g in store.stats.figures(None, None, "district", "en").groups}
    assert en == {"210106": "Tiexi District, Shenyang", "210303": "Tiexi District, Anshan"}
    assert label("districts", "210303", "zh_CN") == "鞍山市铁西区"
    assert label("districts", "210102", "zh_CN") == "和平区"  # one of its name: as it is
    names = store.reports.names("zh_CN")
    assert names("districts", "210106") == "沈阳市铁西区"
