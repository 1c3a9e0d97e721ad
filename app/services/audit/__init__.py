"""The record of what happened: the event log, the administrators' audit trail, attachments."""
