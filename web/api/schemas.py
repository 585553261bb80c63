"""The API's shapes (marshmallow): what a list is asked with, and what a task, a cycle, a notice and a value look
like. Descriptions are in Chinese: they are what the documentation page shows."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

STATUS = validate.OneOf(["open", "done", "cancelled"])
RUNG = validate.OneOf(["none", "remind", "yellow", "orange", "red"])
PERIOD_FORMAT = validate.Regexp(r"^\d{4}-\d{4}(-[12])?$", error="周期应为学年（2025-2026）或学期（2025-2026-1）")


class Strict(Schema):
    """A request body: unknown fields are refused (named in the answer)."""

    class Meta:
        unknown = RAISE


class Paging(Strict):
    first_result = fields.Integer(data_key="firstResult", load_default=0, validate=validate.Range(min=0, max=10**9),
                                  metadata={"description": "从第几条开始（0 起）"})
    max_results = fields.Integer(data_key="maxResults", load_default=50, validate=validate.Range(min=1, max=200),
                                 metadata={"description": "每页条数，1–200"})


class TaskFilter(Strict):
    """Camunda's GET /task, in Spiral's words."""

    assignee = fields.String(validate=validate.Length(max=64), metadata={"description": "办理人工号"})
    candidate_user = fields.String(data_key="candidateUser", validate=validate.Length(max=64),
                                   metadata={"description": "可认领人的工号"})
    candidate_group = fields.String(data_key="candidateGroup", validate=validate.Length(max=100),
                                    metadata={"description": "角色名称（如 课程负责人）"})
    unassigned = fields.Boolean(load_default=False, metadata={"description": "只列尚未认领的任务"})
    process_definition_key = fields.String(data_key="processDefinitionKey", validate=validate.Length(max=100),
                                           metadata={"description": "流程 id（如 course_cycle）"})
    subject = fields.String(validate=validate.Length(max=64), metadata={"description": "诊改对象代码"})
    period = fields.String(validate=PERIOD_FORMAT, metadata={"description": "周期，如 2025-2026-1"})
    due_before = fields.DateTime(data_key="dueBefore", metadata={"description": "期限早于（ISO 时间）"})
    due_after = fields.DateTime(data_key="dueAfter", metadata={"description": "期限晚于（ISO 时间）"})
    follow_up_before = fields.DateTime(data_key="followUpBefore", metadata={"description": "跟进提醒早于"})
    rung = fields.String(validate=RUNG, metadata={"description": "督办颜色：none、remind、yellow、orange、red"})
    status = fields.String(load_default="open", validate=STATUS, metadata={"description": "open（默认）、done、cancelled"})


class TaskList(TaskFilter, Paging):
    sort_by = fields.String(data_key="sortBy", load_default="due", validate=validate.OneOf(["due", "created", "id", "title"]),
                            metadata={"description": "排序：due（默认）、created、id、title"})
    sort_order = fields.String(data_key="sortOrder", load_default="asc", validate=validate.OneOf(["asc", "desc"]))


class Count(Schema):
    count = fields.Integer(required=True, metadata={"description": "条数"})


class Task(Schema):
    id = fields.Integer(metadata={"description": "任务 id"})
    title = fields.String(metadata={"description": "任务名称"})
    process = fields.String(metadata={"description": "流程 id"})
    process_name = fields.String(metadata={"description": "流程名称"})
    instance = fields.Integer(metadata={"description": "所属周期 id"})
    stage = fields.String(metadata={"description": "螺旋阶段代码"})
    role = fields.String(metadata={"description": "办理角色"})
    subject = fields.String(metadata={"description": "诊改对象代码"})
    subject_name = fields.String()
    period = fields.String()
    assignee = fields.String(allow_none=True, metadata={"description": "办理人工号"})
    candidates = fields.List(fields.String(), metadata={"description": "可认领人的工号"})
    due = fields.String(allow_none=True, metadata={"description": "期限（ISO 时间）"})
    status = fields.String()
    unroutable = fields.Boolean(metadata={"description": "无法路由（转质量办）"})
    form = fields.String(allow_none=True, metadata={"description": "表单 id"})
    rung = fields.String(metadata={"description": "督办颜色"})


class TaskDetail(Task):
    created = fields.String(metadata={"description": "创建时间"})
    completed = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    form_definition = fields.Dict(allow_none=True, metadata={"description": "form-js 表单定义（提交 data 时按它校验）"})


class Completion(Strict):
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "表单数据：字段 key → 值"})


class Completed(Schema):
    task = fields.Nested(Task)
    next = fields.List(fields.Nested(Task), metadata={"description": "提交后该周期新出现的任务及其办理人"})


class CommentIn(Strict):
    body = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={"description": "评论内容"})


class Comment(Schema):
    id = fields.Integer()
    author = fields.String(metadata={"description": "作者工号"})
    body = fields.String()
    at = fields.String()


class Ignore(Schema):
    class Meta:
        unknown = EXCLUDE
