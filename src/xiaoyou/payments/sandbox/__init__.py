"""Local sandboxes (emulators) of the payment gateways, used by the tests and by the demo.

They listen on 127.0.0.1 only, with their own generated keys: no real money ever moves.
`xiaoyou payments-sandbox` runs them on fixed ports for the demo.
"""
