"""The school year: its schedules, action plans (规划 / 行动计划) and activities (家长学校…)."""
