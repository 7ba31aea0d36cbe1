"""ReportLab renderers: handouts, cards, print sheets, and their shared pieces."""

from reportlab import rl_config

# ReportLab re-validates every attribute set on a graphics shape; our drawings are
# built by tested code, not typed in by users, and the checks cost 5-10% of a
# handout's render time (bench/run.py). Set before any shape is drawn.
rl_config.shapeChecking = 0
