"""hungary56: a state-machine engine for annotated historical interactive fiction."""

__version__ = "0.1.0"
