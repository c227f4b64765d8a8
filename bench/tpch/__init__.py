"""TPC-H: the 22 queries, data generation and result comparison.

Shared by the benchmark (`bench/tpch/run.py`) and the integration test
(`tests/integration/test_tpch.py`), so both run the same query text over the same data.
"""
