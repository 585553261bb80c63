"""Spiral's workflow engine: plain Python, SQLAlchemy and SpiffWorkflow; it never imports Flask.

Each use case is one service function that takes a session, the acting person and the time:
`deploy`, `start_cycle`, `claim_task`, `complete_task`, `add_comment`.
"""
from .cycles import start_cycle
from .definitions import deploy
from .errors import (Conflict, InvalidInput, InvalidProcess, NotAllowed, NotFound, Problem, ScriptError,
                     SpiralError)
from .tasks import Upload, add_comment, claim_task, complete_task

__all__ = ["Conflict", "InvalidInput", "InvalidProcess", "NotAllowed", "NotFound", "Problem", "ScriptError",
           "SpiralError", "Upload", "add_comment", "claim_task", "complete_task", "deploy", "start_cycle"]
