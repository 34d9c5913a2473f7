"""Events (活动管理): publishing, registration, review, payment, e-tickets, check-in."""
