"""curhat-tui: a terminal workstation for online counseling and peer support."""

__version__ = "0.1.0"
