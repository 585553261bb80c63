"""Process definitions: BPMN loading and checks, the sandbox, stages, deploy and versions, drafts, designed forms."""
