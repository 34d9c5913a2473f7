"""Writes of the alumni archive, one module per concept."""
