"""Benchmarks of the pipeline: ``make bench`` (``python -m bench``); see ``bench/__main__.py``."""
