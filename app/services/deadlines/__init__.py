"""Deadlines: SLA clocks and escalation per instance, working calendars, the SLA
reference tables, working time left."""
