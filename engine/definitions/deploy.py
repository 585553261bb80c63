"""Deploying BPMN files as versioned process definitions."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, overload

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidProcess, NeedsConfirmation, NotAllowed, NotFound, Problem
from engine.org.access import is_quality_office
from engine.org.models import Person
from engine.org.routing import role_exists
from engine.parts import part

from .loading import LoadedProcess, load_process
from .models import ProcessDefinition, ProcessDraft
from .specs import form_registry


@dataclass
class ValidationReport:
    """What the validator found in a set of files: problems block a deploy, warnings do not."""

    loaded: list[tuple[str, LoadedProcess]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks a deploy."""
        return not self.problems


def validate_files(session: Session, files: list[tuple[str, bytes]]) -> ValidationReport:
    """Check every file against the org's roles and the forms registry; changes nothing."""
    known_role = role_exists(session)
    forms = form_registry(session)
    report = ValidationReport()
    for filename, data in files:
        try:
            process = load_process(data, filename, role_exists=known_role, form_exists=forms.exists)
        except InvalidProcess as exc:
            report.problems.extend(exc.problems)
            report.warnings.extend(exc.warnings)
        else:
            checks = part(session, "deploy_checks")  # the rooms above add theirs (engine/assembly.py)
            ladder_problems = [p for check in checks for p in check(session, filename, process.meta)]
            report.problems.extend(ladder_problems)
            if not ladder_problems:
                report.loaded.append((filename, process))
            report.warnings.extend(process.warnings)
    ids = [p.process_id for _, p in report.loaded]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        report.problems.append(Problem(f"多个文件包含同一个流程 id “{dup}”"))
    return report


def deploy(session: Session, actor: Person | None, files: list[tuple[str, bytes]], now: datetime,
           comment: str = "", *, confirm_removal: bool = False) -> list[ProcessDefinition]:
    """Validate every file, then deploy each as a new version (unchanged files keep theirs).

    Raises InvalidProcess listing every problem of every file; nothing is deployed then. Raises
    NeedsConfirmation when a new version keeps none of the tasks of a process with running cycles, unless
    `confirm_removal`.
    """
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以部署流程")
    report = validate_files(session, files)
    if not report.ok:
        raise InvalidProcess(report.problems, report.warnings)
    emptied = [p for _, p in report.loaded if removes_every_task(session, p)]
    if emptied and not confirm_removal:
        names = "、".join(f"“{p.name}”（{p.process_id}）" for p in emptied)
        raise NeedsConfirmation(f"新版本删除了流程{names}的全部任务，而它还有进行中的周期。"
                                f"如确实要这样部署，请确认后再部署一次")
    deployed = [_store(session, actor, filename, process, now, comment) for filename, process in report.loaded]
    for definition in deployed:  # a deployed process's draft is done with
        session.execute(delete(ProcessDraft).where(ProcessDraft.process_id == definition.process_id))
    session.commit()
    return deployed


def removes_every_task(session: Session, process: LoadedProcess) -> bool:
    """True when `process` keeps none of the user tasks of its deployed version and that has running cycles."""
    latest = latest_definition(session, process.process_id, required=False)
    if latest is None or not latest.meta.get("tasks") or set(latest.meta["tasks"]) & set(process.meta["tasks"]):
        return False
    return bool(part(session, "running_cycles")(session, process.process_id))  # engine/assembly.py


def _store(session: Session, actor: Person | None, filename: str, process: LoadedProcess, now: datetime,
           comment: str) -> ProcessDefinition:
    sha = hashlib.sha256(process.xml.encode("utf-8")).hexdigest()
    latest = latest_definition(session, process.process_id, required=False)
    if latest is not None and latest.sha256 == sha:
        return latest
    version = (session.scalar(select(func.max(ProcessDefinition.version))
                              .where(ProcessDefinition.process_id == process.process_id)) or 0) + 1
    definition = ProcessDefinition(process_id=process.process_id, name=process.name, version=version,
                                   level=process.meta.get("level", ""), filename=filename, xml=process.xml,
                                   sha256=sha, meta=process.meta, deployed_at=now,
                                   deployed_by_id=actor.id if actor else None, comment=comment[:500])
    session.add(definition)
    session.flush()
    audit.record(session, actor, "process.deployed", now, object_type="process_definition",
                 object_id=definition.id, summary=f"部署流程“{process.name}”（{process.process_id}）第 {version} 版",
                 after={"process_id": process.process_id, "version": version, "sha256": sha,
                        "warnings": [str(w) for w in process.warnings]})
    return definition


@overload
def latest_definition(session: Session, process_id: str, required: Literal[True] = ...) -> ProcessDefinition: ...
@overload
def latest_definition(session: Session, process_id: str, required: bool) -> ProcessDefinition | None: ...
def latest_definition(session: Session, process_id: str, required: bool = True) -> ProcessDefinition | None:
    """The newest version of a process; raises NotFound when required and there is none."""
    definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)
                                 .order_by(ProcessDefinition.version.desc()).limit(1)).first()
    if definition is None and required:
        raise NotFound(f"没有已部署的流程“{process_id}”")
    return definition


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The newest version of every deployed process, by name."""
    newest = (select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.process_id).subquery())
    query = select(ProcessDefinition).join(newest, (ProcessDefinition.process_id == newest.c.process_id)
                                           & (ProcessDefinition.version == newest.c.v))
    return list(session.scalars(query.order_by(ProcessDefinition.process_id)))
