"""Chainlit-specific glue for Pitchcheck's web front end: rendering, persistence, login and limits.

Nothing in chains/ imports this package; everything here may import chainlit.
"""
