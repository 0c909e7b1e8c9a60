"""Measuring the coder: gold-set readers (gold), scorers (evaluate), the accuracy
gate (gate) and cross-validation with fold models (crossval)."""
