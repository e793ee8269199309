"""Report headings in Chinese and English, and names for stored reference codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from liaison_app.domain import labels

WORDS: dict[str, tuple[str, str]] = {
    "visit_title": ("企业走访记录表", "Enterprise visit record"),
    "ledger_title": ("问题台账", "Problem ledger"),
    "stats_title": ("助企纾困问题办理情况统计", "Problem resolution statistics"),
    "enterprise": ("企业情况", "Enterprise"),
    "visit": ("走访情况", "Visit"),
    "problems": ("企业反映的问题", "Problems raised"),
    "actions": ("跟踪办理情况", "Follow-up actions so far"),
    "photos": ("现场照片", "Photos"),
    "name": ("企业名称", "Name"),
    "uscc": ("统一社会信用代码", "USCC"),
    "district": ("所在区县", "District"),
    "industry": ("行业", "Industry"),
    "address": ("经营地址", "Address"),
    "contact": ("联系人及电话", "Contact and phone"),
    "legal_rep": ("法定代表人", "Legal representative"),
    "visit_date": ("走访日期", "Date"),
    "mode": ("走访方式", "Mode"),
    "officers": ("走访人员", "Officers"),
    "people_met": ("接待人员", "People met"),
    "situation": ("生产经营情况", "Business situation"),
    "policies": ("宣讲政策", "Policies explained"),
    "opinions": ("企业意见建议", "Enterprise's opinions"),
    "solved_on_site": ("现场解决情况", "Solved on site"),
    "summary_text": ("走访小结", "Summary"),
    "no": ("序号", "No."),
    "number": ("编号", "Number"),
    "category": ("类别", "Category"),
    "urgency": ("紧急程度", "Urgency"),
    "status": ("状态", "Status"),
    "description": ("问题描述", "Description"),
    "request": ("企业诉求", "Request"),
    "result": ("办理结果", "Result"),
    "department": ("牵头部门", "Lead department"),
    "raised": ("提出日期", "Raised"),
    "deadline": ("办理时限", "Deadline"),
    "when": ("时间", "When"),
    "action": ("办理动作", "Action"),
    "note": ("说明", "Note"),
    "by": ("经办人", "By"),
    "overdue": ("超期", "overdue"),
    "none": ("（无）", "(none)"),
    "sign_enterprise": ("企业代表（签字）：", "Enterprise representative (signature):"),
    "sign_officers": ("走访人员（签字）：", "Officers (signature):"),
    "sign_date": ("日期：", "Date:"),
    "blank_date": ("　　　　年　　月　　日", "____-__-__"),
    "seal": ("企业（盖章）", "Enterprise (seal)"),
    "unit": ("走访单位", "Visiting unit"),
    "record_no": ("记录编号", "Record no."),
    "figures": ("经营数据", "Business figures"),
    "output_value": ("产值（万元）", "Output (10k yuan)"),
    "revenue": ("营业收入（万元）", "Revenue (10k yuan)"),
    "staff": ("员工人数", "Staff"),
    "capacity_use": ("产能利用率", "Capacity use"),
    "fill_unit": ("填报单位", "Reporting unit"),
    "filler": ("填表人", "Prepared by"),
    "reviewer": ("审核人", "Reviewed by"),
    "fill_date": ("填报日期", "Date"),
    "overdue_days": ("超期天数", "Days overdue"),
    "total": ("合计", "Total"),
    "subtotal": ("小计", "Subtotal"),
    "others": ("其余 {n} 项", "{n} others"),
    "no_department": ("未指定牵头部门", "No lead department"),
    "below": ("（全文见本行下方）", "(in full below this row)"),
    "in_full": ("问题描述全文", "Description in full"),
    "volume_title": (
        "{period}企业走访记录表（共 {n} 份）",
        "Enterprise visit records, {period} ({n})",
    ),
    "visit_subject": ("企业走访记录", "Enterprise visit record"),
    "filters": ("筛选条件", "Filters"),
    "all": ("全部", "all"),
    "period": ("统计期间", "Period"),
    "all_time": ("全部时间", "All time"),
    "since": ("%1 起", "from %1"),
    "until": ("截至 %1", "up to %1"),
    "colon": ("：", ": "),
    "group": ("分组", "Group"),
    "by_category": ("按问题类别", "By category"),
    "by_department": ("按牵头部门", "By department"),
    "by_district": ("按区县", "By district"),
    "received": ("受理数", "Received"),
    "resolved": ("办结数", "Resolved"),
    "resolution_rate": ("办结率", "Resolution rate"),
    "on_time_rate": ("按期办结率", "On-time rate"),
    "overdue_count": ("超期数", "Overdue"),
    "callback_rate": ("回访率", "Call-back rate"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "satisfaction_note": (
        "满意率 =（非常满意 + 满意 + 基本满意）/ 已评价数；统计期间按问题提出日期计算。",
        "Satisfaction rate = (very satisfied + satisfied + basically satisfied) / rated; "
        "periods count problems by the date raised.",
    ),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if labels.is_zh(lang) else en


@dataclass(frozen=True)
class Names:
    """Labels for codes: stored reference data first (offices add codes), then the catalogue."""

    lang: str
    reference: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    officer: str = ""  # this folder's officer: 填表人, the documents' author
    unit: str = ""  # the officer's unit: 走访单位, 填报单位

    @property
    def author(self) -> str:
        return " ".join(filter(None, [self.unit, self.officer])) or "Liaison"

    def __call__(self, kind: str, code: str | None) -> str:
        if not code:
            return ""
        table = self.reference.get(kind, {})
        if code in table:
            zh, en = table[code]
            return zh if labels.is_zh(self.lang) else en
        return labels.label(kind, code, self.lang)

    def word(self, key: str) -> str:
        return word(key, self.lang)
