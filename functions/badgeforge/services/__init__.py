"""The pipeline's logic, written against the ports: render job, mail job, usage, links, sweep.

Entry points (functions/main.py, the CLI, the web API) call these with a `badgeforge.config.Services`.
"""
