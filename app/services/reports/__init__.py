"""Reports read from the records (issue 15): figures counted, never typed."""
