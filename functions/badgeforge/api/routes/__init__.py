"""One blueprint per page concern; each route authorises the caller itself (see context.current_user/admin)."""
