"""BadgeForge's cloud application: services, ports and adapters behind the entry points in functions/main.py."""
