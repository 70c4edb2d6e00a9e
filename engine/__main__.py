"""Entry point for `python -m engine`: the same as the `hungary56` command."""

import sys

from engine.cli import main

sys.exit(main())
