"""Running cycles: the runtime, starting cycles, tasks and their one state-change path, the task mirror, inbox
queries, cycle administration, bulk launch, migration, dry run."""
