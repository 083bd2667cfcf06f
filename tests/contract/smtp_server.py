"""A minimal SMTP server on 127.0.0.1 for the SmtpMailer tests: records messages, can answer a chosen RCPT code.

Why hand-written: the stdlib's smtpd is deprecated (gone in 3.12) and aiosmtpd is not a dependency; the mailer only
needs EHLO, MAIL, RCPT, DATA, QUIT.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class SmtpRecorder:
    messages: list[bytes] = field(default_factory=list)
    rcpt_reply: str = "250 OK"
    host: str = "127.0.0.1"
    port: int = 0


def _handler(recorder: SmtpRecorder):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 test ESMTP")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 test")
                elif verb in ("MAIL", "RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "RCPT":
                    self.reply(recorder.rcpt_reply)
                elif verb == "DATA":
                    self.reply("354 go ahead")
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        chunk = self.rfile.readline()
                        if not chunk:
                            return
                        data += chunk
                    recorder.messages.append(data[:-5].replace(b"\r\n..", b"\r\n."))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")

    return Handler


@contextmanager
def running_smtp_server() -> Iterator[SmtpRecorder]:
    recorder = SmtpRecorder()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(recorder))
    server.daemon_threads = True
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
