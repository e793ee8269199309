"""The fields a person edits on each record: the one list services, CLI and sync share."""

from __future__ import annotations

ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "district_code",
    "industry_code",
    "size",
    "ownership",
    "address",
    "legal_rep",
    "contact_name",
    "contact_title",
    "phone",
    "park",
    "officer",
    "unit",
    "specialised",
    "notes",
)
VISIT_FIELDS = (
    "visit_date",
    "mode",
    "officers",
    "people_met",
    "business_situation",
    "output_value",
    "revenue",
    "staff",
    "capacity_use",
    "policies",
    "opinions",
    "solved_on_site",
    "summary",
)
PROBLEM_FIELDS = (
    "category",
    "description",
    "request",
    "urgency",
    "source",
    "raised_on",
    "shared",
    "co_departments",
)
# Problem fields outside a person's plain edits: the deadline and the lead department change
# through assign / extend (domain.lifecycle.STEP_FIELDS); the officer is the author, set when
# the problem is recorded (and by the server from the signed-in user).
