"""Where a job's things live, in Storage and in the database (one place, so no path is spelled twice)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from badgeforge.services.keys import is_safe_key

_UPLOAD = re.compile(r"^uploads/([^/]+)/([^/]+)/([^/]+\.csv)$", re.IGNORECASE)

OPTIONS_FILE = "job.json"
PDF_NAME = "badges.pdf"
PNG_ZIP_NAME = "badges-png.zip"


@dataclass(frozen=True)
class UploadRef:
    """An attendee CSV that starts a job: uploads/{uid}/{job_id}/{csv_name}."""

    uid: str
    job_id: str
    csv_name: str

    @property
    def csv_path(self) -> str:
        return f"uploads/{self.uid}/{self.job_id}/{self.csv_name}"

    @property
    def folder(self) -> str:
        return f"uploads/{self.uid}/{self.job_id}/"

    @property
    def options_path(self) -> str:
        return self.folder + OPTIONS_FILE


def parse_upload(object_name: str) -> UploadRef | None:
    """The job an uploaded object starts, or None for anything else (outputs, images, job.json, other folders)."""
    match = _UPLOAD.match(object_name or "")
    if not match:
        return None
    uid, job_id, csv_name = match.groups()
    if not (is_safe_key(uid) and is_safe_key(job_id)):
        return None
    return UploadRef(uid, job_id, csv_name)


def pdf_path(uid: str, job_id: str) -> str:
    return f"badges/{uid}/{job_id}/{PDF_NAME}"


def png_zip_path(uid: str, job_id: str) -> str:
    return f"badges/{uid}/{job_id}/{PNG_ZIP_NAME}"


def warnings_path(uid: str, job_id: str) -> str:
    """Every warning of a finished job (the job node keeps the first 200; the web page pages through all)."""
    return f"badges/{uid}/{job_id}/warnings.json"


def job_node(uid: str, job_id: str) -> str:
    return f"jobs/{uid}/{job_id}"


def user_node(uid: str) -> str:
    return f"users/{uid}"


def mail_node(uid: str, key: str) -> str:
    return f"badgeMails/{uid}/{key}"


def usage_log_node(uid: str) -> str:
    return f"usage_log/{uid}"
