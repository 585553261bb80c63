"""Working days: the official Chinese calendar (holidays and 调休), the school's closures, due dates."""
