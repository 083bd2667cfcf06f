"""The `badgeforge` command line. Each subcommand lives in its own module, imported only when used."""
