"""Real local servers the adapters are tested against (each binds 127.0.0.1 on a free port and always stops).

rtdb_server      Realtime Database REST protocol (what firebase-admin's db client speaks), in-memory, threaded
sendgrid_server  SendGrid v3 recorder, scriptable 202/4xx/429/5xx/hang
gcs_emulator     gcp-storage-emulator in-process, plus a google-cloud-storage client for it
auth_emulator    firebase-tools' Auth emulator (npm, tools/node_modules), one shared per test process
v4_signature     checks V4 signed URLs as GCS would; service_account makes a throwaway signing key
fixtures         pytest fixtures over all of these (`from tests.servers.fixtures import *` in a conftest)
"""
