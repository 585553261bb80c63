"""Supervision (督办): escalation ladders, the climb up them, notices and their actions, on-time reports."""
