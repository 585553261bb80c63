"""/api/v1/tasks: list and count like Camunda's GET /task, one task with its form, claim, complete (validated as
the page does; multipart for evidence), comments."""
from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint

from engine import (
    HumanTask,
    InvalidInput,
    TaskQuery,
    Upload,
    add_comment,
    claim_task,
    complete_task,
    count_tasks,
    form_of,
    instance_tasks,
    query_tasks,
    task_comments,
    task_to_dict,
    visible_task,
)
from forms import parse_form_post

from .. import clock
from ..extensions import db
from . import auth
from .schemas import Comment, CommentIn, Completed, Count, Task, TaskDetail, TaskFilter, TaskList

blp = Blueprint("api_tasks", __name__, url_prefix="/api/v1", description="任务：查询、认领、办理、评论")
blp.before_request(auth.sign_in)


def _query(args: dict[str, Any]) -> TaskQuery:
    keys = TaskQuery.__dataclass_fields__
    return TaskQuery(**{k: v for k, v in args.items() if k in keys})


def detail(task: HumanTask) -> dict[str, Any]:
    """A task as GET /tasks/{id} answers it."""
    form = form_of(db.session, task)
    return {**task_to_dict(task), "created": task.created_at.isoformat(),
            "completed": task.completed_at.isoformat() if task.completed_at else None,
            "completed_by": task.completed_by.username if task.completed_by else None,
            "form_definition": form.raw if form else None}


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.arguments(TaskList, location="query")
    @blp.response(200, Task(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """任务列表（参数同 Camunda GET /task）：只列令牌所属账号可见的任务（质量办和校领导可见全部）"""
        first, most = args.pop("first_result"), args.pop("max_results")
        return [task_to_dict(t) for t in query_tasks(db.session, auth.person(), _query(args), first, most)]


@blp.route("/tasks/count")
class TaskCount(MethodView):
    @blp.arguments(TaskFilter, location="query")
    @blp.response(200, Count)
    def get(self, args: dict[str, Any]) -> dict[str, int]:
        """符合条件的任务条数"""
        return {"count": count_tasks(db.session, auth.person(), _query(args))}


@blp.route("/tasks/<int:task_id>")
class OneTask(MethodView):
    @blp.response(200, TaskDetail)
    def get(self, task_id: int) -> dict[str, Any]:
        """一个任务及其表单定义"""
        return detail(visible_task(db.session, auth.person(), task_id))


@blp.route("/tasks/<int:task_id>/claim")
class Claim(MethodView):
    @blp.response(200, Task)
    def post(self, task_id: int) -> dict[str, Any]:
        """认领一个提供给多人的任务"""
        visible_task(db.session, auth.person(), task_id)
        return task_to_dict(claim_task(db.session, auth.person(), task_id, clock.now()))


def _completion(task: HumanTask) -> tuple[dict[str, Any], list[Upload]]:
    """The answers and files of a completion: a JSON body {"data": {…}}, or multipart (fields as the page posts
    them, or one field `data` holding the JSON object, and files under their form keys)."""
    if request.mimetype == "multipart/form-data":
        form = form_of(db.session, task)
        if "data" in request.form:
            try:
                values = json.loads(request.form["data"])
            except ValueError as exc:
                raise InvalidInput("字段 data 不是 JSON 对象", {"data": ["应为 JSON 对象"]}) from exc
        else:
            values = parse_form_post(form, request.form) if form else {}
        uploads = [Upload(key, f.filename or "file", f.mimetype or "application/octet-stream", f.read())
                   for key in (form.file_fields if form else ()) for f in request.files.getlist(key) if f.filename]
        if not isinstance(values, dict):
            raise InvalidInput("字段 data 不是 JSON 对象", {"data": ["应为 JSON 对象"]})
        return values, uploads
    payload = request.get_json(silent=True)
    if request.data and payload is None:
        raise InvalidInput("请求体不是合法的 JSON", {"body": ["应为 JSON 对象，如 {\"data\": {…}}"]})
    payload = {} if payload is None else payload
    if not isinstance(payload, dict) or set(payload) - {"data"} or not isinstance(payload.get("data", {}), dict):
        raise InvalidInput("请求体应为 {\"data\": {字段: 值}}", {"body": ["只接受字段 data，且它应为对象"]})
    return payload.get("data", {}), []


@blp.route("/tasks/<int:task_id>/complete")
class Complete(MethodView):
    @blp.doc(requestBody={"content": {
        "application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object"}},
                                        "additionalProperties": False}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"data": {"type": "string"}}}}}})
    @blp.response(200, Completed)
    def post(self, task_id: int) -> dict[str, Any]:
        """办理（提交）任务：data 按任务表单校验，与页面提交完全相同；上传佐证请用 multipart"""
        task = visible_task(db.session, auth.person(), task_id)
        values, uploads = _completion(task)
        done = complete_task(db.session, auth.person(), task_id, values, clock.now(), uploads=uploads,
                             locale=str(get_locale() or "zh_CN"))
        following = [t for t in instance_tasks(db.session, done.instance) if t.status == "open"]
        return {"task": task_to_dict(done), "next": [task_to_dict(t) for t in following]}


@blp.route("/tasks/<int:task_id>/comments")
class Comments(MethodView):
    @blp.response(200, Comment(many=True))
    def get(self, task_id: int) -> list[dict[str, Any]]:
        """任务的评论"""
        task = visible_task(db.session, auth.person(), task_id)
        return [_comment(c) for c in task_comments(db.session, task)]

    @blp.arguments(CommentIn)
    @blp.response(201, Comment)
    def post(self, body: dict[str, Any], task_id: int) -> dict[str, Any]:
        """添加评论"""
        visible_task(db.session, auth.person(), task_id)
        return _comment(add_comment(db.session, auth.person(), task_id, body["body"], clock.now()))


def _comment(row: Any) -> dict[str, Any]:
    return {"id": row.id, "author": row.author.username if row.author else None, "body": row.body,
            "at": row.at.isoformat()}
