"""The demo school of DOMAIN.md (示例市职业技术学校): its org, processes and cycles in flight. Not imported by the
runtime; `spiral demo` and the tests seed it."""
from .school import deploy_shipped, is_seeded, seed_demo, seed_org

__all__ = ["deploy_shipped", "is_seeded", "seed_demo", "seed_org"]
