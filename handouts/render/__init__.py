"""ReportLab renderers: handouts, cards, print sheets, and their shared pieces."""
