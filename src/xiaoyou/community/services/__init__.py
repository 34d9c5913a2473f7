"""Writes of the community; each function is one transaction, policy-checked and audited when
an admin writes."""
