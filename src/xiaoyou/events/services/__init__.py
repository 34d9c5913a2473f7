"""Events services: writes, one module per concept (events, registrations, tickets...)."""
