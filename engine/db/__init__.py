"""Database plumbing below every room: the declarative base, connections, the change-token cache."""
from .base import Base
from .session import make_engine, sqlite_pragmas

__all__ = ["Base", "make_engine", "sqlite_pragmas"]
