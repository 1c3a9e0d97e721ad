"""SpiffWorkflow integration. Nothing here imports Flask; SpiffWorkflow objects stay inside."""
