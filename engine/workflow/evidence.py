"""A cycle's evidence (佐证材料) as its pages list it: each file with who uploaded it, at which step, and whether a
browser shows it in the page (PDF, images) or downloads it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org.models import Person

from .models import Evidence, HumanTask
from .uploads import content_type_for, shown_inline


@dataclass(frozen=True)
class EvidenceItem:
    """One uploaded file, with its uploader and the step (task) it was attached at."""

    id: int
    filename: str
    size: int
    uploaded_at: datetime
    uploader: str
    task_id: int
    step: str
    stage: str
    inline: bool
    image: bool


def cycle_evidence(session: Session, instance_id: int) -> list[EvidenceItem]:
    """Every file attached to the cycle `instance_id`, oldest first, in one query."""
    rows = session.execute(
        select(Evidence.id, Evidence.filename, Evidence.size, Evidence.uploaded_at, Person.name, Evidence.task_id,
               HumanTask.title, HumanTask.stage)
        .join(Person, Person.id == Evidence.uploaded_by_id)
        .join(HumanTask, HumanTask.id == Evidence.task_id)
        .where(Evidence.instance_id == instance_id).order_by(Evidence.id))
    items = []
    for id_, filename, size, at, uploader, task_id, step, stage in rows:
        kind = content_type_for(filename)
        items.append(EvidenceItem(id=id_, filename=filename, size=size, uploaded_at=at, uploader=uploader,
                                  task_id=task_id, step=step, stage=stage, inline=shown_inline(kind),
                                  image=kind.startswith("image/")))
    return items
