"""Local emulators of outside services (HTTP servers on 127.0.0.1) that tests run adapters against.

Each emulator checks requests the way the real service documents (signatures, parameters,
credentials) and answers with the documented JSON shapes and error codes; it records what it
accepted so tests can assert on it.
"""
