"""The bilingual catalogue of domain labels (codes → zh/en), shared by the UI and the reports."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from liaison_app.domain import reference

Vocab = MappingProxyType  # code → (zh, en); insertion order is display order


def _vocab(*rows: tuple[str, str, str]) -> MappingProxyType[str, tuple[str, str]]:
    return MappingProxyType({code: (zh, en) for code, zh, en in rows})


STATUSES: Final = _vocab(
    ("received", "待受理", "Received"),
    ("accepted", "已受理", "Accepted"),
    ("assigned", "已交办", "Assigned"),
    ("in_progress", "办理中", "In progress"),
    ("long_term", "长期跟踪（挂账）", "Long-term follow-up"),
    ("resolved", "已办结", "Resolved"),
    ("called_back", "已回访", "Called back"),
    ("closed", "已销号", "Closed off"),
    ("rejected", "已退回", "Rejected / returned"),
)

URGENCIES: Final = _vocab(
    ("normal", "一般", "Normal"),
    ("urgent", "紧急", "Urgent"),
    ("very_urgent", "特急", "Very urgent"),
)

VISIT_MODES: Final = _vocab(
    ("onsite", "实地走访", "On site"),
    ("phone", "电话联系", "Phone"),
    ("meeting", "座谈会", "Meeting"),
    ("online", "线上", "Online"),
)

SOURCES: Final = _vocab(
    ("visit", "走访", "Visit"),
    ("phone", "电话", "Phone"),
    ("hotline", "12345热线", "Hotline"),
    ("meeting", "座谈会", "Meeting"),
)

SATISFACTION: Final = _vocab(
    ("very_satisfied", "非常满意", "Very satisfied"),
    ("satisfied", "满意", "Satisfied"),
    ("basically_satisfied", "基本满意", "Basically satisfied"),
    ("dissatisfied", "不满意", "Dissatisfied"),
    ("very_dissatisfied", "非常不满意", "Very dissatisfied"),
)
# The satisfaction rate counts these grades as satisfied (stated on every report).
SATISFIED_GRADES: Final = frozenset({"very_satisfied", "satisfied", "basically_satisfied"})
DISSATISFIED_GRADES: Final = frozenset({"dissatisfied", "very_dissatisfied"})

ACTION_KINDS: Final = _vocab(
    ("create", "登记", "Recorded"),
    ("accept", "受理", "Accepted"),
    ("reject", "退回", "Rejected / returned"),
    ("assign", "交办", "Assigned"),
    ("start", "开始办理", "Work started"),
    ("extend", "延期", "Deadline extended"),
    ("defer", "转长期跟踪", "Moved to long-term follow-up"),
    ("resolve", "办结", "Resolved"),
    ("callback", "回访", "Called back"),
    ("close", "销号", "Closed off"),
    ("reopen", "重新办理", "Reopened"),
    ("chase", "催办", "Chased"),
    ("supervise", "督办", "Supervised"),
    ("reply", "答复", "Reply"),
    ("meeting", "协调会", "Coordination meeting"),
    ("onsite", "现场办公", "On-site office"),
    ("note", "备注", "Note"),
)

# What a button or a dialog title says to take a step: a verb. The timeline says what happened
# with ACTION_KINDS (events). In Chinese most words serve both (受理, 交办, 办结…).
STEP_VERBS: Final = _vocab(
    ("accept", "受理", "Accept"),
    ("reject", "退回", "Return"),
    ("assign", "交办", "Assign"),
    ("start", "开始办理", "Start"),
    ("extend", "延期", "Extend"),
    ("defer", "转长期跟踪", "Move to long-term"),
    ("resolve", "办结", "Resolve"),
    ("callback", "回访", "Call back"),
    ("close", "销号", "Close"),
    ("reopen", "重新办理", "Reopen"),
    ("chase", "催办", "Chase"),
    ("supervise", "督办", "Supervise"),
    ("reply", "答复", "Reply"),
    ("meeting", "开协调会", "Hold a coordination meeting"),
    ("onsite", "现场办公", "Work on site"),
    ("note", "备注", "Add a note"),
)

SIZES: Final = _vocab(
    ("large", "大型", "Large"),
    ("medium", "中型", "Medium"),
    ("small", "小型", "Small"),
    ("micro", "微型", "Micro"),
)

OWNERSHIP: Final = _vocab(
    ("private", "民营", "Private"),
    ("state", "国有", "State-owned"),
    ("collective", "集体", "Collective"),
    ("foreign", "外商投资", "Foreign-invested"),
    ("hmt", "港澳台投资", "Hong Kong, Macao & Taiwan invested"),
    ("joint_stock", "股份制", "Joint-stock"),
    ("individual", "个体工商户", "Individual trader"),
    ("other", "其他", "Other"),
)

VOCABULARIES: Final = {
    "status": STATUSES,
    "urgency": URGENCIES,
    "visit_mode": VISIT_MODES,
    "source": SOURCES,
    "satisfaction": SATISFACTION,
    "action_kind": ACTION_KINDS,
    "step": STEP_VERBS,
    "size": SIZES,
    "ownership": OWNERSHIP,
}

HEADINGS: Final = _vocab(
    ("total", "合计", "Total"),
    ("received", "受理数", "Received"),
    ("resolved", "办结数", "Resolved"),
    ("resolution_rate", "办结率", "Resolution rate"),
    ("on_time_rate", "按期办结率", "On-time rate"),
    ("overdue", "超期数", "Overdue"),
    ("callback_rate", "回访率", "Call-back rate"),
    ("satisfaction_rate", "满意率", "Satisfaction rate"),
    (
        "satisfaction_note",
        "满意率 =（非常满意+满意+基本满意）/ 已评价数",
        "Satisfaction rate = (very satisfied + satisfied + basically satisfied) / rated",
    ),
)

# The caption of a visit's attachment that is the scan of its signed visit record (the record
# the enterprise signed): such a scan is not printed among the visit record's photos.
SIGNED_SCAN_CAPTIONS: Final = ("签字的走访记录扫描件", "Scan of the signed visit record")


def signed_scan_caption(lang: str) -> str:
    return SIGNED_SCAN_CAPTIONS[0] if is_zh(lang) else SIGNED_SCAN_CAPTIONS[1]


def is_zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def label(vocabulary: str, code: str | None, lang: str = "zh_CN") -> str:
    """The label of ``code`` in a vocabulary (or reference kind); the code itself if unknown."""
    if code is None:
        return ""
    table = VOCABULARIES.get(vocabulary)
    if vocabulary == "districts":
        pair = reference.builtin_district_names().get(code)
        return code if pair is None else pair[0] if is_zh(lang) else pair[1]
    if table is None:
        for item in reference.builtin(vocabulary):
            if item.code == code:
                return item.label(lang)
        return code
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if is_zh(lang) else pair[1]


def heading(key: str, lang: str = "zh_CN") -> str:
    zh, en = HEADINGS[key]
    return zh if is_zh(lang) else en


def format_rate(rate: float | None) -> str:
    """A rate as a person reads it: 0.94258 → '94.3%'; no denominator → '—'."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def problem_number(number: str, provisional: bool, lang: str = "zh_CN") -> str:
    """A problem's number as people read it: a provisional one says so (design.md §3)."""
    if not provisional:
        return number
    return f"{number}（临时）" if is_zh(lang) else f"{number} (provisional)"
