"""ReportLab renderers: handouts, cards, print sheets, and their shared pieces."""

from reportlab import rl_config

# ReportLab re-validates every attribute set on a graphics shape; our drawings are
# built by tested code, not typed in by users, and the checks cost 5-10% of a
# handout's render time (bench/run.py). Set before any shape is drawn.
rl_config.shapeChecking = 0
# Compressed streams are written as binary, not wrapped again in ASCII85: every
# current PDF reader and RIP takes binary streams, files are about 15% smaller
# and the encoding pass is gone.
rl_config.useA85 = 0

from .textlayer import install as _install_text_layer  # noqa: E402 - after the settings above

_install_text_layer()
