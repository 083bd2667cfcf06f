"""A private CUPS scheduler with a cups-pdf virtual printer, for the station tests.

cupsd runs in the foreground from a temp folder (its own config, spool, logs), listening on 127.0.0.1:<free port>
only, and is stopped by the test. cups-pdf reads its settings from /etc/cups/cups-pdf-<name>.conf (a path compiled
into the backend), so the fixture writes one file there with a unique name (output folder = the temp folder) and
removes it afterwards. Needs root (cupsd runs the 0700 cups-pdf backend as root) and the Debian packages `cups` and
`printer-driver-cups-pdf` (scripts/system_deps.sh test).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")


def missing() -> str | None:
    """Why this machine cannot run the CUPS tests, or None."""
    if os.geteuid() != 0:
        return "the CUPS tests run cupsd and its cups-pdf backend as root"
    for need in (CUPSD, shutil.which("lp"), shutil.which("lpadmin"), PPD, BACKEND):
        if not need or not Path(need).exists():
            return f"{need or 'lp/lpadmin'} is missing: install cups and printer-driver-cups-pdf (make test does)"
    return None


@dataclass
class CupsServer:
    address: str  # host:port for `lp -h`
    printer: str
    out: Path  # where cups-pdf writes the printed PDFs

    def wait_for_pdfs(self, count: int, timeout: float = 30.0) -> list[Path]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sorted(self.out.glob("*.pdf"))
            if len(found) >= count and all(p.stat().st_size > 0 for p in found):
                time.sleep(0.2)  # cups-pdf closes the file after writing its last byte
                return found
            time.sleep(0.1)
        raise AssertionError(f"cups-pdf wrote {len(list(self.out.glob('*.pdf')))} of {count} PDFs in {timeout} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cups_server() -> Iterator[CupsServer]:
    """Its own folder straight under the temp dir: cupsd's filters run as `lp` and must reach their files, which
    pytest's 0700 per-user folders would hide from them."""
    name = f"badgeforge-test-{uuid.uuid4().hex[:8]}"
    root = Path(tempfile.mkdtemp(prefix="badgeforge-cups-"))
    root.chmod(0o755)
    dirs = {d: root / d for d in ("etc", "spool", "tmp", "cache", "state", "log", "out")}
    for path in dirs.values():
        path.mkdir(parents=True)
    dirs["etc"].chmod(0o755)
    dirs["tmp"].chmod(0o1777)
    dirs["out"].chmod(0o777)
    port = _free_port()
    (dirs["etc"] / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (dirs["etc"] / "cups-files.conf").write_text(
        f"ServerRoot {dirs['etc']}\nRequestRoot {dirs['spool']}\nTempDir {dirs['tmp']}\nCacheDir {dirs['cache']}\n"
        f"StateDir {dirs['state']}\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
        f"ErrorLog {dirs['log']}/error_log\nAccessLog {dirs['log']}/access_log\nPageLog {dirs['log']}/page_log\n"
        "User lp\nGroup lp\nSystemGroup root\n"
    )
    conf = Path(f"/etc/cups/cups-pdf-{name}.conf")
    conf.write_text(f"Out {dirs['out']}\nAnonDirName {dirs['out']}\nLabel 0\nGrp root\nLog {dirs['log']}\n")
    process = subprocess.Popen(
        [CUPSD, "-f", "-c", str(dirs["etc"] / "cupsd.conf"), "-s", str(dirs["etc"] / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = (dirs["log"] / "error_log").read_text() if (dirs["log"] / "error_log").exists() else ""
                    raise RuntimeError(f"cupsd did not start: {log[-2000:]}") from None
                time.sleep(0.1)
        printer = "BadgeLabels"
        subprocess.run(
            ["lpadmin", "-h", address, "-p", printer, "-E", "-v", f"cups-pdf:/{name}", "-P", str(PPD)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        yield CupsServer(address, printer, dirs["out"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        conf.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)
