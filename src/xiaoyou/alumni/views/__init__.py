"""Views of the alumni archive (console and hall), one module per page group."""
