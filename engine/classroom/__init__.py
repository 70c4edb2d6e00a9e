"""The classroom product: the debrief, teacher handouts and their templates."""
