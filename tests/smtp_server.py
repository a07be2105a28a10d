"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, for the messages'
tests: each message parsed, and a script of answers to give instead of accepting."""

from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    def calendar(self) -> bytes | None:
        for part in self.message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                return part.get_payload(decode=True)
        return None


class Recorder:
    """The server's handler. ``data_answers`` are given, in turn, instead of accepting a
    message; ``on_rcpt`` / ``on_data`` run (in the server's thread) before answering."""

    def __init__(self):
        self.received: list[Received] = []
        self.data_answers: deque[str] = deque()
        self.on_rcpt = None
        self.on_data = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            self.on_data(envelope)
        with self.lock:
            if self.data_answers:
                return self.data_answers.popleft()
            self.received.append(Received(
                envelope.mail_from, tuple(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()
