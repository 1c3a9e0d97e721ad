"""Evaluation of service management: maturity read from the records (issue 15)."""
