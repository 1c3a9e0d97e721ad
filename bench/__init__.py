"""Benchmarks of the SPBE platform: SpiffWorkflow alone against the app's service layer.

`python -m bench` (or `make bench`) drives the real service-request process
(`processes/permintaan-layanan.bpmn`) in memory, through the services on SQLite and
PostgreSQL, and measures the inbox query over a large task table. It prints one table
and writes the same figures to `bench/results/latest.json`. Nothing here is imported by
the app; the package only reads `app/`.
"""
