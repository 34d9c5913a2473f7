"""Payments (支付): one interface for events, donations and the shop; money in integer fen."""
