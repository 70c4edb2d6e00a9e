"""Adapters for files: YAML reading, story loading, the story cache, saves, and the one atomic writer."""
