"""Adapters implement the ports in badgeforge.ports: `local` (folder, SQLite, outbox) and `firebase` (cloud).

Each adapter package exposes `build(settings) -> dict` with the keys blobs, links, db, mailer, users, clock
(the fields of badgeforge.config.Services other than settings).
"""
