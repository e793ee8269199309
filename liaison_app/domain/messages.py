"""Error messages in Chinese: field errors and refused lifecycle steps, from codes and params.

Lower layers raise errors with a stable code, English text and the values involved; the UI
says them in the person's language with this catalogue (the command line keeps English).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from liaison_app.domain import labels
from liaison_app.errors import FieldError, LiaisonError, LifecycleError, ValidationError

FIELD_NAMES_ZH = {
    "name": "名称",
    "uscc": "统一社会信用代码",
    "district_code": "区县",
    "industry_code": "行业代码",
    "size": "企业规模",
    "ownership": "经济类型",
    "address": "地址",
    "legal_rep": "法定代表人",
    "contact_name": "联系人",
    "contact_title": "联系人职务",
    "phone": "联系电话",
    "park": "园区",
    "officer": "联络员",
    "unit": "单位",
    "notes": "备注",
    "visit_date": "走访日期",
    "mode": "走访方式",
    "officers": "走访人员",
    "people_met": "接待人员",
    "business_situation": "生产经营情况",
    "policies": "宣讲政策",
    "opinions": "企业意见",
    "solved_on_site": "现场解决情况",
    "summary": "走访小结",
    "output_value": "产值",
    "revenue": "营业收入",
    "staff": "员工人数",
    "capacity_use": "产能利用率",
    "category": "问题类别",
    "description": "问题描述",
    "request": "企业诉求",
    "urgency": "紧急程度",
    "source": "问题来源",
    "raised_on": "提出日期",
    "deadline": "办理时限",
    "shared": "共性问题",
    "lead_department": "牵头部门",
    "co_departments": "协办部门",
    "department": "牵头部门",
    "note": "办理说明",
    "result": "办理结果",
    "reason": "退回原因",
    "satisfaction": "满意度",
    "text": "内容",
    "kind": "类型",
    "status": "状态",
    "problem": "问题",
    "officer_name": "联络员姓名",
}

FIELD_NAMES_EN = {
    "name": "Name",
    "uscc": "USCC",
    "district_code": "District",
    "industry_code": "Industry",
    "size": "Size",
    "ownership": "Ownership",
    "address": "Address",
    "legal_rep": "Legal representative",
    "contact_name": "Contact person",
    "contact_title": "Contact's title",
    "phone": "Phone",
    "park": "Park / street",
    "officer": "Liaison officer",
    "unit": "Unit",
    "notes": "Notes",
    "visit_date": "Visit date",
    "mode": "Visit mode",
    "officers": "Visited by",
    "people_met": "People met",
    "business_situation": "Business situation",
    "policies": "Policies explained",
    "opinions": "Opinions",
    "solved_on_site": "Solved on site",
    "summary": "Summary",
    "output_value": "Output value",
    "revenue": "Revenue",
    "staff": "Staff",
    "capacity_use": "Capacity use",
    "category": "Category",
    "description": "Description",
    "request": "Request",
    "urgency": "Urgency",
    "source": "Source",
    "raised_on": "Raised on",
    "deadline": "Deadline",
    "shared": "Shared problem",
    "lead_department": "Lead department",
    "co_departments": "Co-departments",
    "department": "Department",
    "note": "Note",
    "satisfaction": "Satisfaction",
    "text": "Text",
    "kind": "Kind",
    "status": "Status",
    "problem": "Problem",
    "officer_name": "Officer's name",
}

# A coded field's vocabulary (domain.labels) or reference kind: its values are shown by name.
FIELD_VOCABULARY = {
    "district_code": "districts",
    "industry_code": "industries",
    "size": "size",
    "ownership": "ownership",
    "mode": "visit_mode",
    "category": "categories",
    "urgency": "urgency",
    "source": "source",
    "status": "status",
    "satisfaction": "satisfaction",
    "lead_department": "departments",
    "department": "departments",
    "co_departments": "departments",
}


def sentence(text: str) -> str:
    """English words of the command line ("the server refused…") begun as a sentence."""
    return text[:1].upper() + text[1:]


def field_name(field: str, lang: str) -> str:
    """A record field's name for people (the code itself when it has none)."""
    return (FIELD_NAMES_ZH if _zh(lang) else FIELD_NAMES_EN).get(field, field)


# code → Chinese template; {field} is the field's name, the rest come from the error's params.
TEMPLATES_ZH = {
    "required": "{field}为必填项",
    "too_long": "{field}过长：{length} 个字符，最多 {max} 个",
    "unknown": "{field}的值“{value}”无效",
    "unknown_code": "{field}代码“{value}”不存在",
    "bad_date": "{field}“{value}”不是有效日期（格式为 YYYY-MM-DD）",
    "in_future": "{field}不能晚于今天（{today}）",
    "in_past": "{field}“{value}”早于今天",
    "not_later": "新的{field}（{value}）必须晚于原时限（{current}）",
    "not_number": "{field}“{value}”不是有效数字",
    "out_of_range": "{field}超出范围：{value}",
    "uscc_length": "统一社会信用代码应为 18 位，现为 {length} 位",
    "uscc_charset": "统一社会信用代码第 {position} 位“{char}”不是有效字符（不使用 I、O、S、V、Z）",
    "uscc_check": "统一社会信用代码校验位应为“{expected}”，而不是“{got}”，可能有字符输入错误",
    "bad_phone": "“{value}”不是有效的手机号（11 位，以 13–19 开头）或固定电话（区号 + 7–8 位号码）",
    "duplicate_uscc": "已有企业使用统一社会信用代码 {value}：{name}",
    "closed": "问题已销号，如需继续办理请先重新办理",
    "not_editable": "{field}只能通过办理步骤（受理、交办、延期等）改变",
    "signed_in": "已登录同步服务器时，联络员姓名以服务器上的姓名为准；退出登录后才能修改",
}

# Errors of sync, by code, in Chinese: what happened and what the person can do.
SYNC_ZH = {
    "unreachable": "无法连接同步服务器。所有记录都保存在本机，网络恢复后会自动同步。",
    "app_too_old": "同步服务器要求更新版本的 Liaison，请先更新本应用。",
    "sign_in_required": "登录已失效（已过期、密码已更改或本设备已被管理员注销），请重新登录。",
    "device_revoked": "此设备已被管理员停用，原来的登录不再有效。请用密码重新登录：本机将重新登记，"
    "尚未发送的记录会随后发出，不会丢失。",
    "wrong_password": "服务器拒绝登录：用户名或密码错误、账户已停用，或本设备已被管理员注销。",
    "throttled": "服务器暂时繁忙或登录尝试次数过多，请稍后再试。",
    "server_failed": "同步服务器出现故障，请稍后再试；记录都保存在本机。",
    "sync_failed": "同步没有完成，请稍后再试；记录都保存在本机。",
    "refused": "同步服务器拒绝了这次请求，请稍后再试。",
    "sync_busy": "本数据文件夹正在另一处同步（命令行或另一个窗口），完成后会继续。",
    "keyring": "系统钥匙串不可用或已锁定：请解锁，或安装钥匙串服务后重试。",
}


def _zh(lang: str) -> bool:
    return labels.is_zh(lang)


def field_error(error: FieldError, lang: str) -> str:
    """One field error in the person's language (English falls back to the original text)."""
    template = TEMPLATES_ZH.get(error.code)
    if not _zh(lang) or template is None:
        return error.message
    base = error.field.rsplit(".", 1)[-1]
    values = {k: ("" if v is None else v) for k, v in error.params.items()}
    try:
        return template.format(field=FIELD_NAMES_ZH.get(base, base), **values)
    except (KeyError, IndexError):
        return error.message


def error_text(exc: LiaisonError, lang: str) -> str:
    """A whole error for a dialog, in the person's language."""
    if not _zh(lang):  # the command line's words, as a sentence ("the server refused…")
        return sentence(exc.message)
    if isinstance(exc, ValidationError):
        return "；".join(field_error(e, lang) for e in exc.errors)
    if isinstance(exc, LifecycleError):
        step = labels.label("step", exc.step, lang)
        current = labels.label("status", exc.current, lang)
        allowed = "、".join(labels.label("step", s, lang) for s in exc.allowed) or "无"
        return f"当前状态为“{current}”，不能执行“{step}”；可执行的步骤：{allowed}"
    return SYNC_ZH.get(exc.code, exc.message)


# The server's refusals that carry no field code, by their (stable) English words.
_REASONS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (
            r"^unknown record \S+ \(or outside your scope\)$",
            "服务器上没有这条记录，或它已不在您的负责范围内（例如企业已改由他人联络）",
        ),
        (
            r"^unknown enterprise \S+ \(or outside your scope\)$",
            "服务器上没有这家企业，或它已不在您的负责范围内（例如企业已改由他人联络）",
        ),
        (
            r"^a supervisor creates enterprises in their own district only$",
            "督导只能在本人所辖区县内新增企业",
        ),
        (r"^follow-up actions are append-only$", "跟进记录只能新增，不能修改或删除"),
        (r"^only problems take lifecycle steps$", "只有问题才有办理步骤"),
        (
            r"text with a NUL character$",
            "文字中含有空字符（NUL，常见于从表格粘贴的内容），请删除后重新保存",
        ),
        (r"text with a lone surrogate$", "文字中含有无法识别的字符，请重新输入后保存"),
        (r"^unknown conflict", "服务器上没有这项冲突，或它不在您的负责范围内"),
        (r"^the server could not apply this change$", "服务器无法应用这项更改，请稍后重新发送"),
    )
)


def server_reason_zh(reason: str) -> str | None:
    """The Chinese for a refusal the server said in words only (None: not one it knows)."""
    for pattern, zh in _REASONS_ZH:
        if pattern.search(reason):
            return zh
    return None


def rejection_text(
    reason: str | None, errors: Sequence[Mapping[str, Any]], held: bool, lang: str
) -> str:
    """Why the server did not accept a change, in the person's language. Field errors are
    said from their codes; any other reason is the server's own (English) words, quoted."""
    if not _zh(lang):
        return reason or "no reason given"
    if held:
        return "这项更改太大，无法发送：请缩短较长的文字后重新保存"
    said = [
        field_error(
            FieldError(
                str(e.get("field") or ""), str(e.get("code") or ""), str(e.get("message") or "")
            ),
            lang,
        )
        for e in errors
    ]
    if said:
        return "；".join(said)
    if not reason:
        return "服务器没有说明原因"
    return server_reason_zh(reason) or f"服务器给出的原因为“{reason}”"
