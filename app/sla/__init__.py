"""Service-level arithmetic: working calendars, deadlines and their explanations.

Plain values in, plain values out: nothing here touches the database, Flask or the engine.
`calendar` is standard library only; `holidays_id` is the single adapter that reads the
third-party `holidays` package, so the arithmetic can be tested and reused without it.
"""
