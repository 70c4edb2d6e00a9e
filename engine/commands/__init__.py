"""One module per CLI command, each declaring its arguments in `add_parser` and running in `run`."""
