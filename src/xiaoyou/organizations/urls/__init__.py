"""URL modules of the organizations app, one per concept; names are global in the including namespace."""
