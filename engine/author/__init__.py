"""The author product: lint, the story map, play-testing (random, exhaustive, recorded), scaffolding and generated files."""
