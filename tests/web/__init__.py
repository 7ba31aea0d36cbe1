"""Tests of ``handouts serve``: routes, security, class batches, a real browser, and load."""
