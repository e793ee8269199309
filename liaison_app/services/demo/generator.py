"""Write demo data into a data folder in batched transactions (never one per record)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from liaison_app.domain import reference, uscc
from liaison_app.domain.fields import ENTERPRISE_FIELDS, PROBLEM_FIELDS, VISIT_FIELDS
from liaison_app.domain.ids import uuid7
from liaison_app.domain.lifecycle import add_working_days, lifecycle_state
from liaison_app.domain.search_text import index_tokens
from liaison_app.errors import InputError, ValidationError
from liaison_app.models.entities import Enterprise, FollowUpAction, Problem, SearchDoc, Visit
from liaison_app.models.search_index import FTS_TABLE
from liaison_app.services.base import Service, get_meta, next_counter
from liaison_app.services.convert import provisional_number
from liaison_app.services.demo import content as c
from liaison_app.sync.capture import capture_many, mutation_row
from liaison_app.sync.protocol import SYNCED_FIELDS


@dataclass(frozen=True)
class DemoSize:
    enterprises: int
    visits_per_enterprise: float
    problems_per_visit: float
    officers: int


SIZES = {
    "small": DemoSize(enterprises=60, visits_per_enterprise=3, problems_per_visit=2.5, officers=1),
    "office": DemoSize(
        enterprises=20_000, visits_per_enterprise=3, problems_per_visit=2.5, officers=200
    ),
}
BATCH_ENTERPRISES = 1_000  # about 30,000 rows per transaction at office size

# (weight, the steps after "create"): 94% end resolved, called back or closed off.
PATHS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.60, ("resolve",)),
    (0.14, ("resolve", "callback")),
    (0.05, ("accept", "assign", "start", "resolve", "callback", "close")),
    (0.10, ("accept", "assign", "resolve")),
    (0.05, ("accept", "assign", "chase", "resolve")),
    (0.02, ()),
    (0.01, ("accept",)),
    (0.025, ("accept", "assign", "start")),
    (0.005, ("accept", "assign", "start", "defer")),
    (0.005, ("reject",)),
)
_TO = {
    "resolve": "resolved",
    "callback": "called_back",
    "close": "closed",
    "accept": "accepted",
    "assign": "assigned",
    "start": "in_progress",
    "defer": "long_term",
    "reject": "rejected",
}


@dataclass(frozen=True)
class DemoResult:
    size: str
    seed: int
    enterprises: int
    visits: int
    problems: int
    actions: int

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


Progress = Callable[[int, int], None]


class DemoService(Service):
    def generate(
        self,
        size: str = "small",
        seed: int = 1,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> DemoResult:
        if size not in SIZES:
            raise ValidationError.single(
                "size", "unknown", f"unknown size {size!r}; sizes: small, office"
            )
        spec = SIZES[size]
        with self._db.reading() as s:
            existing = s.scalar(select(func.count()).select_from(Enterprise)) or 0
            me = get_meta(s, "officer_name")
        if existing:
            raise InputError(
                f"this data folder already holds {existing} enterprises; demo data go into an "
                "empty folder (choose another with --data-dir)"
            )
        gen = _Generator(random.Random(seed), self._clock.today(), self._clock.now(), spec, me)
        totals = [0, 0, 0, 0]
        done = 0
        while done < spec.enterprises:
            if cancelled():
                break
            n = min(BATCH_ENTERPRISES, spec.enterprises - done)
            with self._db.writing() as s:
                first_no = next_counter(s, "problem_local_no", 0)  # peek
                rows = gen.batch(n, first_no)
                next_counter(s, "problem_local_no", len(rows["problem"]))
                for model, key in (
                    (Enterprise, "enterprise"),
                    (Visit, "visit"),
                    (Problem, "problem"),
                    (FollowUpAction, "action"),
                ):
                    if rows[key]:
                        s.execute(insert(model), rows[key])
                start = (s.scalar(select(func.max(SearchDoc.id))) or 0) + 1
                docs = [
                    {"id": start + i, "kind": k, "ref_id": r, "enabled": True}
                    for i, (k, r, _) in enumerate(rows["search"])
                ]
                s.execute(insert(SearchDoc), docs)
                s.execute(
                    text(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (:id, :body)"),
                    [
                        {"id": start + i, "body": body}
                        for i, (_, _, body) in enumerate(rows["search"])
                    ],
                )
                # Made before any sign-in: the first user to sign in here pushes them.
                capture_many(s, _creates(s, rows))
            totals = [
                t + len(rows[k])
                for t, k in zip(totals, ("enterprise", "visit", "problem", "action"), strict=True)
            ]
            done += n
            if progress:
                progress(done, spec.enterprises)
        return DemoResult(size, seed, *totals)


def _creates(s: Session, rows: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The create of every generated record, problems with the history they already have."""
    out = []
    for e in rows["enterprise"]:
        fields = {k: e[k] for k in ENTERPRISE_FIELDS}
        out.append(
            mutation_row(s, "enterprise", e["id"], "create", fields=fields, enterprise_id=e["id"])
        )
    for v in rows["visit"]:
        fields = {"enterprise_id": v["enterprise_id"], **{k: v[k] for k in VISIT_FIELDS}}
        out.append(
            mutation_row(
                s, "visit", v["id"], "create", fields=fields, enterprise_id=v["enterprise_id"]
            )
        )
    enterprise_of = {}
    for p in rows["problem"]:
        enterprise_of[p["id"]] = p["enterprise_id"]
        fields = {
            "enterprise_id": p["enterprise_id"],
            "visit_id": p["visit_id"],
            **{k: p[k] for k in PROBLEM_FIELDS},
        }
        out.append(
            mutation_row(
                s,
                "problem",
                p["id"],
                "create",
                fields=fields,
                enterprise_id=p["enterprise_id"],
                lifecycle=lifecycle_state(p),
            )
        )
    for a in rows["action"]:
        fields = {k: a[k] for k in SYNCED_FIELDS["action"]}
        out.append(
            mutation_row(
                s,
                "action",
                a["id"],
                "create",
                fields=fields,
                enterprise_id=enterprise_of[a["problem_id"]],
            )
        )
    return out


class _Generator:
    def __init__(
        self, rng: random.Random, today: dt.date, now: dt.datetime, spec: DemoSize, me: str | None
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.spec = spec
        self.districts = reference.districts()
        self.cities = reference.cities()
        if spec.officers == 1:
            self.officers = [me or "演示联络员"]
        else:
            self.officers = sorted({c.person(rng) for _ in range(spec.officers * 2)})[
                : spec.officers
            ]
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.categories = list(c.CATEGORY_WEIGHTS)
        self.cat_weights = list(c.CATEGORY_WEIGHTS.values())

    def _name(self, district: reference.RefItem) -> tuple[str, str]:
        city = self.cities[district.parent or ""][0].removesuffix("市")
        while True:
            _, line, industries = self.rng.choice(c.LINES)
            trade = "".join(self.rng.sample(c.TRADE_CHARS, 2))
            name = f"{city}{trade}{line}{self.rng.choice(c.FORMS)}"
            if name not in self.names:
                self.names.add(name)
                return name, self.rng.choice(industries)

    def _uscc(self, district: reference.RefItem) -> str:
        while True:
            body = "".join(self.rng.choice(uscc.CHARSET) for _ in range(6))
            org8 = "MA" + body
            weights = (3, 7, 9, 10, 5, 8, 4, 2)
            chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            rem = 11 - sum(chars.index(ch) * w for ch, w in zip(org8, weights, strict=True)) % 11
            org_check = "0" if rem == 11 else "X" if rem == 10 else str(rem)
            code = uscc.with_check_character("91" + district.code + org8 + org_check)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _day(self, lo: int, hi: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(lo, hi))

    def batch(self, n: int, first_no: int) -> dict[str, list[Any]]:
        rng = self.rng
        out: dict[str, list[Any]] = {
            k: [] for k in ("enterprise", "visit", "problem", "action", "search")
        }
        local_no = first_no
        for _ in range(n):
            d = rng.choice(self.districts)
            name, industry = self._name(d)
            officer = rng.choice(self.officers)
            contact = c.person(rng)
            ent = {
                "id": uuid7(),
                "name": name,
                "uscc": self._uscc(d) if rng.random() < 0.93 else None,
                "district_code": d.code,
                "industry_code": industry,
                "size": rng.choices(("micro", "small", "medium", "large"), (40, 38, 17, 5))[0],
                "ownership": rng.choices(
                    ("private", "state", "foreign", "hmt", "joint_stock", "individual"),
                    (70, 6, 5, 3, 12, 4),
                )[0],
                "address": f"{self.cities[d.parent or ''][0]}{d.zh}{rng.choice(c.STREETS)}{rng.randint(1, 399)}号",
                "legal_rep": c.person(rng),
                "contact_name": contact,
                "contact_title": rng.choice(c.TITLES),
                "phone": c.mobile(rng),
                "park": rng.choice(c.PARKS),
                "officer": officer,
                "unit": "市委组织部两新工委",
                "specialised": rng.random() < 0.08,
                "notes": None,
                "created_at": self.now,
                "updated_at": self.now,
                "deleted_at": None,
            }
            out["enterprise"].append(ent)
            out["search"].append(
                (
                    "enterprise",
                    ent["id"],
                    index_tokens(
                        name, ent["uscc"], ent["address"], contact, ent["legal_rep"], ent["park"]
                    ),
                )
            )
            visits = max(1, round(rng.gauss(self.spec.visits_per_enterprise, 1)))
            for _ in range(visits):
                vdate = self._day(1, 360)
                situation = rng.choice(c.SITUATIONS).format(
                    n=rng.randint(3, 9), m=rng.randint(1, 6)
                )
                vis = {
                    "id": uuid7(),
                    "enterprise_id": ent["id"],
                    "visit_date": vdate,
                    "mode": rng.choices(("onsite", "phone", "meeting", "online"), (70, 15, 10, 5))[
                        0
                    ],
                    "officers": [officer],
                    "people_met": f"{ent['contact_title']} {contact}",
                    "business_situation": situation,
                    "output_value": None,
                    "revenue": round(rng.uniform(50, 50_000), 1),
                    "staff": rng.randint(5, 2000),
                    "capacity_use": float(rng.randint(30, 100)),
                    "policies": rng.choice(c.POLICIES),
                    "opinions": None,
                    "solved_on_site": None,
                    "summary": f"走访{name}，了解生产经营情况和困难诉求。",
                    "created_at": self.now,
                    "updated_at": self.now,
                    "deleted_at": None,
                }
                out["visit"].append(vis)
                out["search"].append(
                    (
                        "visit",
                        vis["id"],
                        index_tokens(
                            vis["summary"], vis["people_met"], situation, vis["policies"], officer
                        ),
                    )
                )
                for _ in range(max(0, round(rng.gauss(self.spec.problems_per_visit, 1.2)))):
                    local_no += 1
                    self._problem(out, ent, vis, officer, local_no)
        return out

    def _problem(
        self,
        out: dict[str, list[Any]],
        ent: dict[str, Any],
        vis: dict[str, Any],
        officer: str,
        local_no: int,
    ) -> None:
        rng = self.rng
        cat = rng.choices(self.categories, self.cat_weights)[0]
        desc, req = rng.choice(c.PROBLEM_TEXT[cat])
        desc = desc.format(n=rng.randint(2, 9))
        raised = vis["visit_date"]
        steps = rng.choices([p[1] for p in PATHS], [p[0] for p in PATHS])[0]
        p: dict[str, Any] = {
            "id": uuid7(),
            "number": None,
            "local_no": local_no,
            "enterprise_id": ent["id"],
            "visit_id": vis["id"],
            "source": "visit",
            "raised_on": raised,
            "category": cat,
            "description": desc,
            "request": req,
            "urgency": rng.choices(("normal", "urgent", "very_urgent"), (75, 20, 5))[0],
            "shared": rng.random() < 0.1,
            "lead_department": None,
            "co_departments": [],
            "accepted_on": None,
            "assigned_on": None,
            "deadline": None,
            "status": "received",
            "result": None,
            "resolved_on": None,
            "callback_on": None,
            "callback_by": None,
            "satisfaction": None,
            "dissatisfied_reason": None,
            "closed_on": None,
            "reopen_count": 0,
            "officer": officer,
            "created_at": self.now,
            "updated_at": self.now,
            "deleted_at": None,
        }
        day = raised
        status = "received"
        actions = out["action"]

        last_at = [min(dt.datetime.combine(raised, dt.time(8)), self.now)]

        def log(kind: str, to: str, when: dt.date, **extra: Any) -> None:
            at = dt.datetime.combine(when, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)))
            at = max(at, last_at[0] + dt.timedelta(minutes=rng.randint(1, 30)))
            at = max(min(at, self.now), last_at[0])  # never later than now, never out of order
            last_at[0] = at
            actions.append(
                {
                    "id": uuid7(),
                    "problem_id": p["id"],
                    "at": at,
                    "actor": officer,
                    "kind": kind,
                    "text": extra.pop("text", None),
                    "from_status": status if kind != "create" else None,
                    "to_status": to,
                    "department": extra.pop("department", None),
                    "deadline": extra.pop("deadline", None),
                    "satisfaction": extra.pop("satisfaction", None),
                    "created_at": self.now,
                }
            )

        log("create", "received", day)
        for step in steps:
            day = min(self.today, day + dt.timedelta(days=rng.randint(0, 6)))
            if step == "chase":
                log("chase", status, day, text=rng.choice(c.CHASE))
                continue
            to = _TO[step]
            if step == "accept":
                p["accepted_on"] = day
                log(step, to, day)
            elif step == "assign":
                dept = rng.choice(c.DEPARTMENT_FOR[cat])
                deadline = add_working_days(day, rng.choice((5, 10, 15, 20)))
                p.update(lead_department=dept, assigned_on=day, deadline=deadline)
                log(step, to, day, department=dept, deadline=deadline)
            elif step == "resolve":
                if p["deadline"]:
                    late = rng.random() < 0.12
                    day = (
                        p["deadline"] + dt.timedelta(days=rng.randint(1, 10))
                        if late
                        else min(day, p["deadline"])
                    )
                    day = min(day, self.today)
                result = rng.choice(c.RESULTS)
                p.update(resolved_on=day, result=result)
                log(step, to, day, text=result)
            elif step == "callback":
                grade = rng.choices(
                    ("very_satisfied", "satisfied", "basically_satisfied"), (55, 38, 7)
                )[0]
                p.update(callback_on=day, callback_by=officer, satisfaction=grade)
                log(step, to, day, satisfaction=grade)
            elif step == "close":
                p["closed_on"] = day
                log(step, to, day)
            elif step == "reject":
                p["result"] = "不属于本级职责范围，已告知企业向有关部门反映。"
                log(step, to, day, text=p["result"])
            else:
                log(step, to, day)
            status = to
        p["status"] = status
        out["problem"].append(p)
        number = provisional_number(raised, local_no)
        out["search"].append(("problem", p["id"], index_tokens(number, desc, req, p["result"])))
