"""Spiral's workflow engine: plain Python, SQLAlchemy and SpiffWorkflow; it never imports Flask."""
