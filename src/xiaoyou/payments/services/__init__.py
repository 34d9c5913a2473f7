"""Payments services: orders (create, start, close), settlement (apply a provider's state),
notifications (the notify endpoint's logic), refunds and offline payments."""
