"""Writes of the polls app, one module per concept: polls (create, edit, status), voting and
canvassing, comments."""
