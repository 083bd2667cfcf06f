"""A job refused at mail time (an admin lowered usage while it rendered) leaves no working link, no readable
output and does not show "done"; links are minted and recorded only when the mail is sent and charged.

Fault injection: a BlobStore wrapper that runs the admin's adjustment at the moment the PDF is stored (the real
race cannot be timed on purpose). Everything else is the real local adapter and the real functions in main.py.
"""

from __future__ import annotations

import dataclasses

from badgeforge import config
from badgeforge.api import pipeline
from badgeforge.api.submit import RuntimeSubmitter
from badgeforge.runtime import LocalRuntime
from badgeforge.services import usage
from tests.functions.conftest import make_user, outbox


class AdminLowersUsageWhileRendering:
    """Stores the PDF, then (once) an admin sets the owner's allowed usage to zero."""

    def __init__(self, inner, services_ref: dict) -> None:
        self.inner, self.bucket, self.services_ref, self.fired = inner, inner.bucket, services_ref, False

    def write_file(self, path, local_path, **kwargs):
        info = self.inner.write_file(path, local_path, **kwargs)
        if path.startswith("badges/") and not self.fired:
            self.fired = True
            services = self.services_ref["services"]
            uid = path.split("/")[1]
            usage.adjust_usage(services, True, "admin@example.com", uid=uid, set_to=0, reason="budget cut")
        return info

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_job_refused_at_mail_time_has_no_link_no_output_and_is_not_done(services, small_csv):
    ref: dict = {}
    racing = dataclasses.replace(services, blobs=AdminLowersUsageWhileRendering(services.blobs, ref))
    ref["services"] = racing
    config.use_services(racing)
    runtime = LocalRuntime(racing)
    try:
        user = make_user(racing, usage=1)
        runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
        ((key, node),) = racing.db.get(f"badgeMails/{user.uid}").items()
        job = racing.db.get(f"jobs/{user.uid}/j1")
        assert node["status"] == "failed" and "badgeLink" not in node, "no link the owner could read"
        assert job["status"] == "failed" and job["error"]["code"] == "no_usage_left"
        assert pipeline.job_link(racing, user.uid, "j1", job) is None, "the web page offers no link either"
        assert outbox(racing) == []
        account = racing.db.get(f"users/{user.uid}")
        assert account["allowed_usage"] == 0 and not account.get("holds") and not account.get("charged")

        # The admin gives one use back and re-drives the job: the mail goes out now, charged once, job done.
        usage.adjust_usage(racing, True, "admin@example.com", uid=user.uid, delta=1, reason="sorry")
        assert pipeline.redrive(racing, RuntimeSubmitter(runtime), user.uid, "j1", None)["status"] == "queued"
        node = racing.db.get(f"badgeMails/{user.uid}/{key}")
        job = racing.db.get(f"jobs/{user.uid}/j1")
        assert node["status"] == "sent" and node["charged"] and node["badgeLink"]
        assert job["status"] == "done" and not job.get("error")
        assert len(outbox(racing)) == 1 and racing.db.get(f"users/{user.uid}")["allowed_usage"] == 0
    finally:
        runtime.close()
        config.use_services(None)


def test_the_mail_node_gets_its_link_only_once_sent_and_charged(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    ((key, node),) = services.db.get(f"badgeMails/{user.uid}").items()
    assert node["status"] == "failed" and "badgeLink" not in node, "a mail not sent carries no link"
    services.mailer.down = False
    runtime.sweep()
    node = services.db.get(f"badgeMails/{user.uid}/{key}")
    assert node["status"] == "sent" and node["charged"] is True and node["badgeLink"].startswith("http")
    assert "j1" in services.db.get(f"users/{user.uid}")["charged"]
