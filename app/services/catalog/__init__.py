"""The service catalog and what hangs off it: agencies, services and request types,
spreadsheets, known errors, the change calendar."""
