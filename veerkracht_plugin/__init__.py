"""The plugin class, the dock and the pure-Python core (``core``, no Qt)."""
