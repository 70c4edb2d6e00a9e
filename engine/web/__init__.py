"""The browser build: a static site that plays the same engine in Pyodide (`hungary56 web`)."""
