"""Writes of the directory: privacy settings, school defaults, business-card exchange."""
