"""Write the shipped 自我诊断报告 template (diagnosis.docx) with python-docx: Chinese headings, a table per list with
docxtpl's `{%tr for … %}` rows. Run `python -m engine.reporting.templates.make_default` after changing it, and
commit the .docx; the quality office starts its own template from a download of this one."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent


def _table(document: Any, headings: list[str], loop: str, cells: list[str]) -> None:
    """A table: the headings, a row opening the loop, the row of cells, a row closing it (docxtpl drops both)."""
    table = document.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    for i, text in enumerate(headings):
        table.rows[0].cells[i].text = text
        for run in table.rows[0].cells[i].paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build() -> Any:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ school }}")
    run.font.size = Pt(14)
    heading = document.add_heading("{{ title }}", level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("（{{ period }}）").alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、基本情况", level=1)
    facts = document.add_table(rows=4, cols=4)
    facts.style = "Table Grid"
    for row, pairs in enumerate([("诊改对象", "{{ subject.name }}（{{ subject.code }}）", "层面", "{{ level }}"),
                                 ("所属单位", "{{ subject.unit }}", "周期", "{{ period }}"),
                                 ("负责人", "{{ owner.name }}（{{ owner.role }}）", "流程", "{{ cycle.process }}"),
                                 ("周期状态", "{{ cycle.status }}", "生成时间", "{{ generated_at }}")]):
        for col, text in enumerate(pairs):
            facts.rows[row].cells[col].text = text

    document.add_heading("二、目标达成情况", level=1)
    document.add_paragraph("{{ goal_summary }}")
    _table(document, ["编号", "目标", "衡量指标", "达成度", "结论"], "g in goals",
           ["{{ g.ref }}", "{{ g.title }}", "{{ g.indicators }}", "{{ g.attainment }}", "{{ g.attained }}"])

    document.add_heading("三、指标诊断结果", level=1)
    document.add_paragraph("{{ indicator_summary }}")
    _table(document, ["指标", "诊断项目", "最新值", "状态", "标准值", "预警值", "趋势"], "i in indicators",
           ["{{ i.name }}", "{{ i.item }}", "{{ i.value }}", "{{ i.status }}", "{{ i.standard }}",
            "{{ i.warning }}", "{{ i.trend }}"])

    document.add_heading("四、诊断项目", level=1)
    _table(document, ["诊断项目", "结论", "诊断说明"], "d in diagnosis_items",
           ["{{ d.name }}", "{{ d.result }}", "{{ d.finding }}"])
    document.add_paragraph("总体结论：{{ conclusion or '（尚未诊断）' }}")
    document.add_paragraph("{% for n in narratives %}")
    document.add_paragraph("{{ n.label }}：{{ n.text }}")
    document.add_paragraph("{% endfor %}")

    document.add_heading("五、存在的问题", level=1)
    _table(document, ["类别", "问题", "原因分析"], "p in problems",
           ["{{ p.category }}", "{{ p.problem }}", "{{ p.cause }}"])

    document.add_heading("六、改进措施表", level=1)
    _table(document, ["问题", "原因", "措施", "责任人", "时限", "验证"], "m in measures",
           ["{{ m.problem }}", "{{ m.cause }}", "{{ m.measure }}", "{{ m.owner }}", "{{ m.deadline }}",
            "{{ m.verification }}"])
    document.add_paragraph("监测预警发起的整改：")
    _table(document, ["指标", "预警时的值", "问题", "整改状态", "验证结论"], "w in improvements",
           ["{{ w.indicator }}", "{{ w.value }}（{{ w.status }}）", "{{ w.problem }}", "{{ w.state }}",
            "{{ w.verification }}"])

    document.add_heading("七、佐证材料", level=1)
    _table(document, ["文件", "步骤", "上传人", "上传时间"], "e in evidence",
           ["{{ e.filename }}", "{{ e.step }}", "{{ e.uploader }}", "{{ e.uploaded_at }}"])

    document.add_heading("八、周期记录", level=1)
    _table(document, ["时间", "操作人", "事项"], "t in timeline", ["{{ t.at }}", "{{ t.who }}", "{{ t.what }}"])
    return document


def main() -> None:
    build().save(str(HERE / "diagnosis.docx"))


if __name__ == "__main__":
    main()
