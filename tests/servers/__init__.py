"""Real local servers the adapters are tested against (each binds 127.0.0.1 on a free port and always stops)."""
