"""handouts: validated massage and self-care routines as print-ready handouts and pocket cards."""

__version__ = "0.1.0"
