"""hungary56: a state-machine engine for annotated historical interactive fiction."""

__version__ = "0.2.0"
