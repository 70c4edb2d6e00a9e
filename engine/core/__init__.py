"""The functional core: the story format, its compiler, the frozen model, expressions, dates, diagnostics and the state machine; no files, no terminal."""
