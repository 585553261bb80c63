"""Planning the school year: scheduled cycles (launched by the tick), the year view and the year's dry run."""
