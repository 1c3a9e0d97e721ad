"""Process instances: their lifecycle, the links between them, numbering, recurrence,
supervision, tracking, timers and periodic starts."""
