"""Application shell: settings, CLI, the weekly pipeline jobs and the scheduler process."""
