"""BadgeForge's own PDF page writer for the common job (see job.py): the pages' content streams, fonts and QR masks
written directly; cairo draws only what is drawn once per job (the static artwork), which is copied in as forms."""
