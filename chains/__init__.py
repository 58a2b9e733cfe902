"""Pitchcheck: is a vendor's fine-tuning pitch worth it? The engine, with no UI imports."""
