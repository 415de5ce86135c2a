"""Quality evaluations printed by ``make eval`` (peer suites, seeds, the labelled dev set)."""
