"""The player product: the session loop, its terminal adapters, rendering and transcripts."""
