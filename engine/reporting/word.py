"""Reports as Word files: a .docx template with placeholders (docxtpl: `{{ subject.name }}`, `{%tr for i in
indicators %}`) filled from a report's data in a sandbox. The quality office may replace a kind's template: an
upload is checked first (a .docx, at most 5 MB, Jinja that parses, and only the placeholders the report has —
an unknown one is refused by its name) and kept as a new version; the shipped default serves while none is
active."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .models import ReportTemplate

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TEMPLATES = Path(__file__).parent / "templates"
MAX_TEMPLATE = 5 * 1024 * 1024
KINDS = {"diagnosis": "自我诊断报告"}

_ROW = dict[str, str]
# What a diagnosis template may use: each top-level name with its meaning, and for a record or a list its fields.
DIAGNOSIS_PLACEHOLDERS: dict[str, tuple[str, _ROW]] = {
    "school": ("学校名称", {}),
    "title": ("报告标题，如“网店运营课程自我诊断报告”", {}),
    "generated_at": ("生成时间", {}),
    "level": ("层面（学校/专业/课程/教师/学生）", {}),
    "period": ("周期（学年或学期）", {}),
    "cycle": ("诊改周期", {"id": "周期编号", "process": "流程名称", "version": "流程版本", "period": "周期",
                       "status": "状态", "started": "启动日期", "completed": "完成日期", "stage": "当前阶段"}),
    "subject": ("诊改对象", {"code": "代码", "name": "名称", "unit": "所属单位"}),
    "owner": ("负责人", {"name": "姓名", "role": "角色"}),
    "goals": ("目标及达成（列表）", {"ref": "目标编号", "title": "目标", "attainment": "达成度",
                              "attained": "是否达成", "indicators": "衡量指标"}),
    "goal_summary": ("目标达成概述（一段文字）", {}),
    "indicators": ("指标（列表）", {"code": "代码", "name": "名称", "item": "诊断项目", "unit": "单位",
                              "direction": "方向", "value": "最新值", "status": "状态（优/达标/预警/不合格/未采集）",
                              "colour": "颜色", "bad": "是否需改进", "aim": "目标值", "standard": "标准值",
                              "warning": "预警值", "measured_on": "采集日期", "source": "数据来源",
                              "trend": "趋势", "history": "历次值"}),
    "indicator_counts": ("各状态指标数（如 indicator_counts['达标']）", {}),
    "indicator_summary": ("指标概述（一段文字）", {}),
    "conclusion": ("总体结论", {}),
    "narratives": ("诊断叙述（列表）", {"label": "栏目", "text": "内容", "step": "步骤"}),
    "diagnosis_items": ("诊断项目（列表）", {"name": "诊断项目", "result": "结论", "finding": "诊断说明",
                                       "indicators": "相关指标"}),
    "problems": ("问题清单（列表）", {"category": "问题类别", "problem": "问题", "cause": "原因", "step": "步骤"}),
    "measures": ("改进措施表（列表）", {"problem": "问题", "cause": "原因", "measure": "措施", "owner": "责任人",
                                 "deadline": "时限", "verification": "验证", "category": "类别", "step": "步骤"}),
    "improvements": ("监测预警发起的整改（列表）", {"id": "整改周期编号", "indicator": "指标", "value": "预警时的值",
                                          "status": "预警时的状态", "problem": "问题", "state": "整改状态",
                                          "opened": "发起日期", "verification": "验证结论"}),
    "evidence": ("佐证材料（列表）", {"filename": "文件名", "step": "步骤", "stage": "阶段", "uploader": "上传人",
                                "uploaded_at": "上传时间", "size": "大小"}),
    "timeline": ("周期记录（列表）", {"at": "时间", "who": "操作人", "what": "事项"}),
}
PLACEHOLDERS = {"diagnosis": DIAGNOSIS_PLACEHOLDERS}


def placeholder_list(kind: str) -> list[dict[str, Any]]:
    """The placeholders a kind's template may use, as the templates page lists them: how to write each one and
    its fields (a list's rows through `row`)."""
    found = []
    for name, (meaning, fields) in PLACEHOLDERS[kind].items():
        listed = "列表" in meaning
        prefix = "row" if listed else name
        found.append({"name": name, "meaning": meaning, "list": listed,
                      "write": f"{{%tr for row in {name} %}}" if listed else
                      (f"{{{{ {name}.… }}}}" if fields else f"{{{{ {name} }}}}"),
                      "fields": [(f"{prefix}.{field}", words) for field, words in fields.items()]})
    return found


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def default_template(kind: str) -> bytes:
    """The shipped template of a kind."""
    return (TEMPLATES / f"{kind}.docx").read_bytes()


def active_template(session: Session, kind: str) -> ReportTemplate | None:
    """The uploaded version in use, None while the shipped default serves."""
    return session.scalars(select(ReportTemplate).where(ReportTemplate.kind == kind, ReportTemplate.active)).first()


def template_bytes(session: Session, kind: str) -> tuple[bytes, str]:
    """The template in use and its file name."""
    found = active_template(session, kind)
    if found is not None:
        return found.content, found.filename
    return default_template(kind), f"{kind}.docx"


def template_versions(session: Session, kind: str) -> list[ReportTemplate]:
    """Every uploaded version of a kind, newest first."""
    return list(session.scalars(select(ReportTemplate).where(ReportTemplate.kind == kind)
                                .order_by(ReportTemplate.version.desc())))


def render_docx(template: bytes, data: dict[str, Any]) -> bytes:
    """Fill a template with a report's data (in a sandbox; multi-line texts keep their lines)."""
    from docxtpl import DocxTemplate  # python-docx is loaded when a report is made, not at start-up
    document = DocxTemplate(io.BytesIO(template))
    document.render(_for_word(data), _environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_report(session: Session, kind: str, data: dict[str, Any]) -> bytes:
    """A report's .docx from the kind's template in use."""
    return render_docx(template_bytes(session, kind)[0], data)


def _for_word(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        from docxtpl import Listing
        return Listing(value)
    if isinstance(value, dict):
        return {k: _for_word(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_word(v) for v in value]
    return value


@dataclass(frozen=True)
class Checked:
    """A template that passed: the placeholders it uses."""

    used: list[str]


def check_template(kind: str, content: bytes, filename: str) -> Checked:
    """Refuse what is not a usable template of `kind`: not a .docx, too large, Jinja that does not parse, a
    placeholder the report does not have (named). Raises InvalidInput."""
    if kind not in PLACEHOLDERS:
        raise NotFound(f"没有“{kind}”这种报告")
    if not filename.lower().endswith(".docx"):
        raise InvalidInput("模板应为 Word 文档（.docx）", {"file": ["请选择 .docx 文件"]})
    if len(content) > MAX_TEMPLATE:
        raise InvalidInput(f"模板过大（{len(content) // 1024 // 1024} MB），不能超过 5 MB", {"file": ["文件过大"]})
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise InvalidInput("该文件不是有效的 Word 文档（.docx），请在 Word 中另存为 .docx 后再上传",
                           {"file": ["不是 .docx 文件"]})
    from docxtpl import DocxTemplate
    try:
        document = DocxTemplate(io.BytesIO(content))
        xml = _template_xml(document)
        tree = _environment().parse(xml)
    except TemplateSyntaxError as exc:
        raise InvalidInput(f"模板中的占位符写法有误：{exc.message}。请检查 {{{{ }}}} 和 {{% %}} 是否成对",
                           {"file": ["占位符写法有误"]}) from exc
    except Exception as exc:  # noqa: BLE001 - python-docx refuses a broken package in many ways
        raise InvalidInput("无法读取该 Word 文档，请在 Word 中另存为 .docx 后再上传", {"file": ["无法读取"]}) from exc
    unknown, used = unknown_placeholders(tree, PLACEHOLDERS[kind])
    if unknown:
        raise InvalidInput(f"模板中有报告没有的占位符：{'、'.join(unknown)}。可用的占位符见本页列表",
                           {"file": [f"未知占位符：{name}" for name in unknown]})
    return Checked(used)


def _template_xml(document: DocxTemplate) -> str:
    """The template's body, headers and footers as docxtpl renders them."""
    document.init_docx()
    assert document.docx is not None
    xml: str = document.patch_xml(document.xml_to_string(document.docx._element.body))
    for rel in document.docx._part.rels.values():
        if rel.reltype in (document.HEADER_URI, document.FOOTER_URI) and getattr(rel.target_part, "blob", None):
            xml += document.patch_xml(rel.target_part.blob.decode("utf-8", "replace"))
    return xml


def unknown_placeholders(tree: nodes.Template, known: dict[str, tuple[str, _ROW]]) -> tuple[list[str], list[str]]:
    """(the names a template uses that the report does not have, those it uses that it has): top-level names,
    a record's fields (`subject.nmae`), and the fields of a list's rows through a for loop (`i.vlaue`)."""
    unknown: list[str] = []
    used: list[str] = []
    loops: dict[str, str] = {}  # loop variable → the list it walks
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            loops[loop.target.name] = loop.iter.name
    declared = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | {"loop"}
    for found in tree.find_all(nodes.Name):
        if found.ctx != "load" or found.name in declared:
            continue
        (used if found.name in known else unknown).append(found.name)
    for attr in tree.find_all(nodes.Getattr):
        if not isinstance(attr.node, nodes.Name):
            continue
        name = attr.node.name
        if name in loops:
            owner = loops[name]
        elif name in declared:
            continue
        else:
            owner = name
        fields = known.get(owner, ("", {}))[1]
        if fields and attr.attr not in fields:
            unknown.append(f"{name}.{attr.attr}")
    return sorted(set(unknown)), sorted(set(used))


def upload_template(session: Session, actor: Person, kind: str, content: bytes, filename: str, comment: str,
                    now: datetime) -> ReportTemplate:
    """Check and keep a new version of a kind's template and put it in use; commits, audited. Raises NotAllowed,
    NotFound, InvalidInput (nothing changes)."""
    _office_only(session, actor)
    checked = check_template(kind, content, filename)
    version = (session.scalar(select(func.max(ReportTemplate.version)).where(ReportTemplate.kind == kind)) or 0) + 1
    session.execute(update(ReportTemplate).where(ReportTemplate.kind == kind).values(active=False))
    row = ReportTemplate(kind=kind, version=version, filename=Path(filename).name[:255] or f"{kind}.docx",
                         content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                         comment=comment.strip()[:500], uploaded_by_id=actor.id, uploaded_at=now, active=True)
    session.add(row)
    session.flush()
    audit.record(session, actor, "report_template.uploaded", now, object_type="report_template", object_id=row.id,
                 summary=f"上传{KINDS[kind]}模板 v{version}：{row.filename}",
                 after={"kind": kind, "version": version, "sha256": row.sha256, "placeholders": checked.used})
    session.commit()
    return row


def activate_template(session: Session, actor: Person, kind: str, version: int | None, now: datetime) -> None:
    """Put an earlier version back in use (None: the shipped default); commits, audited. Raises NotAllowed,
    NotFound."""
    _office_only(session, actor)
    if kind not in KINDS:
        raise NotFound(f"没有“{kind}”这种报告")
    chosen = None
    if version is not None:
        chosen = session.scalars(select(ReportTemplate).where(ReportTemplate.kind == kind,
                                                              ReportTemplate.version == version)).first()
        if chosen is None:
            raise NotFound(f"{KINDS[kind]}模板 v{version} 不存在")
    before = active_template(session, kind)
    session.execute(update(ReportTemplate).where(ReportTemplate.kind == kind).values(active=False))
    if chosen is not None:
        chosen.active = True
    audit.record(session, actor, "report_template.activated", now, object_type="report_template",
                 object_id=chosen.id if chosen else "",
                 summary=f"{KINDS[kind]}模板改用 {'v' + str(version) if chosen else '系统默认模板'}",
                 before={"version": before.version if before else None}, after={"version": version})
    session.commit()


def get_template_version(session: Session, actor: Person, kind: str, version: int) -> ReportTemplate:
    """One uploaded version (to download it). Raises NotAllowed, NotFound."""
    _office_only(session, actor)
    found = session.scalars(select(ReportTemplate).where(ReportTemplate.kind == kind,
                                                         ReportTemplate.version == version)).first()
    if found is None:
        raise NotFound(f"模板 v{version} 不存在")
    return found


def _office_only(session: Session, actor: Person | None) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以管理报告模板")
