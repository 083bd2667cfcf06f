"""Printers a station agent sends labels to: a CUPS queue (`lp`) or a Zebra's raw TCP port 9100.

Why `lp` and not a CUPS library: `lp` is on every machine that has CUPS, speaks to the local scheduler or a remote one
(`-h host:port`), and needs no compiled bindings. Data goes on stdin, so no file name reaches the command line.
"""

from __future__ import annotations

import re
import socket
import subprocess

from badgeforge.ports import PrintFailed

LP_TIMEOUT_S = 60
TCP_TIMEOUT_S = 15
_MEDIA = re.compile(r"Custom\.\d{1,4}(\.\d{1,2})?x\d{1,4}(\.\d{1,2})?mm")


class CupsPrinter:
    """`lp -d NAME`: PDFs through the queue's driver, ZPL as raw bytes (`-o raw`) to a Zebra set up in CUPS."""

    def __init__(self, name: str, *, server: str | None = None, lp: str = "lp") -> None:
        self.name, self.server, self.lp = name, server, lp

    def send(self, data: bytes, fmt: str, title: str, media: str | None = None) -> str:
        command = [self.lp, *(("-h", self.server) if self.server else ()), "-d", self.name, "-t", title]
        if fmt == "zpl":
            command += ["-o", "raw"]
        elif media:  # the label's own size, else the queue's default page (often A4) shrinks the badge onto it
            if not _MEDIA.fullmatch(media):  # `lp -o` splits on spaces: only a plain size may reach it
                raise PrintFailed(f"'{media}' is not a label size such as Custom.62x100mm")
            command += ["-o", f"PageSize={media}"]
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=LP_TIMEOUT_S, check=False)
        except FileNotFoundError as err:
            raise PrintFailed("`lp` is not installed: install CUPS (apt-get install cups-client)") from err
        except subprocess.TimeoutExpired as err:
            raise PrintFailed(f"CUPS did not answer within {LP_TIMEOUT_S} s") from err
        answer = (done.stdout or b"").decode(errors="replace").strip()
        if done.returncode != 0:
            problem = (done.stderr or b"").decode(errors="replace").strip() or answer
            raise PrintFailed(f"CUPS refused the label for {self.name}: {problem}")
        match = re.search(r"request id is (\S+)", answer)
        return match.group(1) if match else answer


class RawTcpPrinter:
    """ZPL straight to a Zebra's port 9100 (what Zebra's own tools do); a PDF cannot go this way."""

    def __init__(self, host: str, port: int = 9100) -> None:
        self.host, self.port = host, port

    @classmethod
    def parse(cls, address: str) -> RawTcpPrinter:
        host, sep, port = address.rpartition(":")
        if not sep:
            return cls(address)
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"'{address}' is not HOST:PORT (e.g. 192.168.1.50:9100)")
        return cls(host.strip("[]"), int(port))

    def send(self, data: bytes, fmt: str, title: str, media: str | None = None) -> str:
        if fmt != "zpl":
            raise PrintFailed(f"{self.host}:{self.port} takes ZPL over TCP; this label is a {fmt.upper()}")
        try:
            with socket.create_connection((self.host, self.port), timeout=TCP_TIMEOUT_S) as conn:
                conn.sendall(data)
                conn.shutdown(socket.SHUT_WR)
        except OSError as err:
            raise PrintFailed(f"The printer at {self.host}:{self.port} did not take the label: {err}") from err
        return f"{len(data)} bytes to {self.host}:{self.port}"
