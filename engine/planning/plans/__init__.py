"""Action plans (规划 / 行动计划): plan → 建设任务 → 具体任务, each 具体任务 × responsible department a tracked
task (a cycle of the plan-task process routed to that department's head), progress, bulletins (工作通报)."""
