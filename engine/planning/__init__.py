"""Planning: the school year's calendar, schedules, action plans and activities (家长学校…)."""
