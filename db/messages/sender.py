"""Delivering the queued e-mails through the office's SMTP server, never twice.

Each message goes through three short transactions: it is **claimed** (a conditional UPDATE
on its version: two senders — the app on two PCs and the scheduled task — can never both
take it), it is marked **handing over** just before the server is given its text (the DATA
command), and its **outcome** is written when the server has answered. A sender killed in the
middle leaves the message in the state it reached, and the next sender reads that state:

- claimed but not yet handed over: the server never saw it, it is sent again;
- handing over: the server may have accepted it before the sender died, so it is *not* sent
  again but shown as « envoi interrompu » for a person to check; a manual resend carries the
  same Message-ID (fixed when the message was queued), which lets the person's mail system
  recognise a copy it already has.

A claim is abandoned when its process is gone (same computer) or after ``LEASE`` (another
computer). A temporary refusal (4xx, a dropped connection) waits and tries again with back-off;
a permanent one (5xx) stops and keeps the server's answer for Administration › Messages.
Nothing personal is logged: counts, ids and SMTP codes only.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email import policy
from email.message import EmailMessage

from sqlalchemy import and_, or_, select

from db.agenda.models import Appointment, AppointmentStatus
from db.base import utcnow
from db.errors import ConflictError, GuichetError
from db.messages.compose import compose, email
from db.messages.models import Message, MessageKind, MessageStatus, SmtpSecurity
from db.org.models import Site
from db.people.consent import reachable
from db.people.models import MessageChannel, Person
from db.unit import rows
from db.wording import count, short_moment

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)  # a claim of another computer is abandoned after this
BACKOFF_MINUTES = (1, 5, 15, 60, 180)  # then every 3 hours
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    user: str = ""
    password: str | None = None  # from the keyring of the computer that sends
    timeout: float = 30.0

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


class ServerUnavailable(GuichetError):
    """The server could not be reached or refused the session: nothing was sent."""


DROPPED = ("La connexion au serveur d'envoi a été interrompue : les messages restants "
           "attendent le prochain essai.")


@dataclass
class SendReport:
    """What one run did, for the command line's summary and the app's status."""

    sent: int = 0
    retrying: list[datetime] = field(default_factory=list)  # next tries
    failed: int = 0
    uncertain: int = 0
    withdrawn: int = 0
    stopped: str = ""  # why the run stopped early (server unreachable…), in French

    @property
    def complete(self) -> bool:
        """Everything due went out."""
        return not (self.retrying or self.failed or self.uncertain or self.stopped)

    def describe(self, time_zone: str = "Europe/Paris") -> str:
        lines = [f"{count(self.sent, 'message envoyé', 'messages envoyés')}."]
        if self.retrying:
            lines.append(f"{count(len(self.retrying), 'message', 'messages')} refusé(s) "
                         "pour l'instant par le serveur, nouvel essai à partir du "
                         f"{short_moment(min(self.retrying), time_zone)}.")
        if self.failed:
            lines.append(f"{count(self.failed, 'message', 'messages')} en échec : voyez "
                         "Administration › Messages.")
        if self.uncertain:
            lines.append(f"{count(self.uncertain, 'message', 'messages')} dont l'envoi a été "
                         "interrompu (peut-être reçu) : à vérifier dans Administration › "
                         "Messages.")
        if self.withdrawn:
            lines.append(f"{count(self.withdrawn, 'message retiré', 'messages retirés')} : "
                         "le rendez-vous a changé ou la personne ne souhaite plus de message.")
        if self.stopped:
            lines.append(self.stopped)
        return "\n".join(lines)


# -- who holds a message ----------------------------------------------------------------------

def sender_identity(run: str) -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{run}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(claimed_by: str, claimed_at: datetime | None, now: datetime, run: str) -> bool:
    """Whether the sender that claimed a message is gone."""
    host, _, rest = claimed_by.partition(":")
    pid, _, claim_run = rest.partition(":")
    if host == socket.gethostname()[:60] and pid.isdigit():
        if int(pid) == os.getpid():
            return claim_run != run  # an earlier run of this process, which ended
        if sys.platform != "win32":  # os.kill(pid, 0) would end the process there
            return not _process_alive(int(pid))
    return claimed_at is None or claimed_at < now - LEASE


def recover(store, now: datetime, run: str) -> int:
    """Messages whose sender is gone: claimed ones go back to the queue, those it was
    handing over become « envoi interrompu » (the server may have them): how many."""
    interrupted = 0
    with store.unit(None) as unit:
        held = unit.session.scalars(select(Message).where(Message.status.in_(
            (MessageStatus.SENDING, MessageStatus.HANDING_OVER))))
        for message in held:
            if not abandoned(message.claimed_by, message.claimed_at, now, run):
                continue
            if message.status is MessageStatus.SENDING:
                rows.save(unit, message, {"status": MessageStatus.PENDING, "claimed_by": ""},
                          action=None)
            else:
                rows.save(unit, message, {
                    "status": MessageStatus.UNCERTAIN, "claimed_by": "",
                    "last_error": "Envoi interrompu pendant la remise au serveur : le message "
                                  "est peut-être parti. Vérifiez, puis renvoyez-le au besoin."},
                          action="interrupted")
                interrupted += 1
    return interrupted


# -- what is due ------------------------------------------------------------------------------

def due_condition(now: datetime, day: date | None):
    """Pending e-mails due now — or, for ``day``, whatever is meant for that day or before,
    at any hour of it; a retry's back-off is kept either way."""
    pending = and_(Message.channel == MessageChannel.EMAIL,
                   Message.status == MessageStatus.PENDING)
    if day is None:
        return and_(pending, Message.next_attempt_at <= now)
    return and_(pending, Message.due_on <= day,
                or_(Message.attempts == 0, Message.next_attempt_at <= now))


def obsolete(session, message: Message, now: datetime) -> str:
    """Why a message should no longer go (French), or ''."""
    appointment = session.get(Appointment, message.appointment_id)
    wanted = (AppointmentStatus.CANCELLED if message.kind is MessageKind.CANCELLATION
              else AppointmentStatus.BOOKED)
    if appointment.status is not wanted:
        return "Le rendez-vous a changé depuis : ce message n'a plus d'objet."
    if appointment.starts_at <= now:
        return "Le rendez-vous est passé : ce message n'a plus d'objet."
    reach = reachable(session.get(Person, message.person_id))
    if reach is None or reach.channel is not message.channel:
        return "La personne ne souhaite plus de message par ce moyen."
    return ""


def _next_attempt(now: datetime, attempts: int) -> datetime:
    minutes = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
    return now + timedelta(minutes=minutes)


# -- the SMTP session -------------------------------------------------------------------------

def open_smtp(server: SmtpServer) -> smtplib.SMTP:
    """A session with the server, encrypted and signed in as configured."""
    context = ssl.create_default_context()
    try:
        if server.security is SmtpSecurity.TLS:
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                    context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        smtp.ehlo()
        if server.security is SmtpSecurity.STARTTLS:
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password or "")
    except smtplib.SMTPAuthenticationError as error:
        raise ServerUnavailable(
            f"Le serveur {server.describe()} a refusé le compte « {server.user} » "
            f"({error.smtp_code}) : vérifiez le compte et son mot de passe dans "
            "Administration › Messages. Rien n'a été envoyé.") from None
    except smtplib.SMTPNotSupportedError:
        raise ServerUnavailable(
            f"Le serveur {server.describe()} ne propose pas STARTTLS : choisissez le "
            "chiffrement qu'il accepte dans Administration › Messages.") from None
    except (OSError, smtplib.SMTPException) as error:
        raise ServerUnavailable(
            f"Le serveur d'envoi {server.describe()} ne répond pas "
            f"({error.__class__.__name__}) : les messages attendent le prochain "
            "essai.") from None
    return smtp


@dataclass
class _Batch:
    store: object
    report: SendReport
    identity: str
    now: Callable[[], datetime]
    smtp: smtplib.SMTP | None = None


@dataclass(frozen=True)
class _Claimed:
    id: uuid.UUID
    attempts: int  # this one included
    sender: str
    recipient: str
    mail: EmailMessage


def _claim(batch: _Batch, message_id: uuid.UUID, due) -> _Claimed | None:
    """Take one message for this sender; None if it is not ours to send (gone, taken,
    withdrawn or refused before any try)."""
    now = batch.now()
    try:
        with batch.store.unit(None) as unit:
            message = unit.session.scalars(select(Message).where(
                Message.id == message_id, due)).one_or_none()
            if message is None:
                return None
            why = obsolete(unit.session, message, now)
            if why:
                rows.save(unit, message, {"status": MessageStatus.WITHDRAWN, "note": why},
                          action="withdraw")
                batch.report.withdrawn += 1
                return None
            appointment = unit.session.get(Appointment, message.appointment_id)
            site = unit.session.get(Site, appointment.site_id)
            if not site.email:
                rows.save(unit, message, {"status": MessageStatus.FAILED, "last_error": (
                    f"Le lieu « {site.name} » n'a pas d'adresse e-mail d'expéditeur : "
                    "renseignez-la dans Administration › Lieux, puis renvoyez le message.")},
                          action="fail")
                batch.report.failed += 1
                return None
            recipient = reachable(unit.session.get(Person, message.person_id)).recipient
            rows.save(unit, message, {
                "status": MessageStatus.SENDING, "claimed_by": batch.identity,
                "claimed_at": now, "attempts": message.attempts + 1, "recipient": recipient,
            }, action=None)
            mail = email(compose(unit.session, message, now), sender_name=site.name,
                         sender=site.email, recipient=recipient,
                         message_id=message.message_id, now=now)
            return _Claimed(message.id, message.attempts, site.email, recipient, mail)
    except ConflictError:
        return None  # another sender took it first


def _record(batch: _Batch, message_id: uuid.UUID, values: dict, action: str | None) -> None:
    with batch.store.unit(None) as unit:
        message = unit.session.get(Message, message_id)
        rows.save(unit, message, {"claimed_by": "", **values}, action=action)


def _refused(batch: _Batch, message_id, attempts: int, code: int, answer: bytes) -> None:
    """The server said no: later (4xx) or never (5xx)."""
    text = f"{code} {answer.decode('utf-8', 'replace')}"[:300]
    log.warning("message %s refused by the server (%s)", message_id, code)
    if 400 <= code < 500 and attempts < MAX_ATTEMPTS:
        next_try = _next_attempt(batch.now(), attempts)
        _record(batch, message_id, {"status": MessageStatus.PENDING, "last_error": text,
                                    "next_attempt_at": next_try}, "defer")
        batch.report.retrying.append(next_try)
        return
    if 400 <= code < 500:
        text = f"Abandonné après {attempts} essais : {text}"[:300]
    _record(batch, message_id, {"status": MessageStatus.FAILED, "last_error": text}, "fail")
    batch.report.failed += 1


def _deliver(batch: _Batch, claimed: _Claimed) -> None:
    message_id, attempts, sender, recipient, mail = (
        claimed.id, claimed.attempts, claimed.sender, claimed.recipient, claimed.mail)
    smtp = batch.smtp
    try:
        code, answer = smtp.mail(sender)
        if code == 250:
            code, answer = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            _refused(batch, message_id, attempts, code, answer)
            return
    except (OSError, smtplib.SMTPException) as error:
        # The connection dropped before the server had the text: back in the queue.
        next_try = _next_attempt(batch.now(), attempts)
        _record(batch, message_id, {
            "status": MessageStatus.PENDING, "next_attempt_at": next_try,
            "last_error": f"Connexion interrompue ({error.__class__.__name__})"}, "defer")
        batch.report.retrying.append(next_try)
        raise ServerUnavailable(DROPPED) from None
    _record(batch, message_id, {"status": MessageStatus.HANDING_OVER,
                                "claimed_by": batch.identity}, None)
    try:
        code, answer = smtp.data(mail.as_bytes(policy=policy.SMTP))  # CRLF lines
    except smtplib.SMTPDataError as error:
        code, answer = error.smtp_code, error.smtp_error
    except (OSError, smtplib.SMTPException) as error:
        _record(batch, message_id, {
            "status": MessageStatus.UNCERTAIN,
            "last_error": f"Connexion interrompue pendant la remise au serveur "
                          f"({error.__class__.__name__}) : le message est peut-être parti."},
                "interrupted")
        batch.report.uncertain += 1
        raise ServerUnavailable(DROPPED) from None
    if code == 250:
        _record(batch, message_id, {"status": MessageStatus.SENT, "sent_at": batch.now(),
                                    "last_error": ""}, "send")
        batch.report.sent += 1
    else:
        smtp.rset()
        _refused(batch, message_id, attempts, code, answer)


def send_due(store, server: SmtpServer | None, *, day: date | None = None,
             limit: int | None = None, clock: Callable[[], datetime] = utcnow) -> SendReport:
    """Send the e-mails due (see ``due_condition``), ``limit`` at most; a system job."""
    run = uuid.uuid4().hex[:8]
    report = SendReport(uncertain=recover(store, clock(), run))
    due = due_condition(clock(), day)
    with store.unit(None) as unit:
        statement = select(Message.id).where(due).order_by(Message.next_attempt_at,
                                                            Message.id)
        waiting = list(unit.session.scalars(statement.limit(limit) if limit else statement))
    if not waiting:
        return report  # no connection to the server for nothing
    if server is None or not server.host:
        report.stopped = ("Aucun serveur d'envoi n'est réglé (Administration › Messages) : "
                          f"{count(len(waiting), 'message attend', 'messages attendent')}.")
        return report
    batch = _Batch(store, report, sender_identity(run), clock)
    try:
        batch.smtp = open_smtp(server)
        for message_id in waiting:
            claimed = _claim(batch, message_id, due)
            if claimed is not None:
                _deliver(batch, claimed)
    except ServerUnavailable as error:
        report.stopped = str(error)
    finally:
        if batch.smtp is not None:
            try:
                batch.smtp.quit()
            except (OSError, smtplib.SMTPException):
                batch.smtp.close()
    log.info("messages: %d sent, %d retrying, %d failed, %d uncertain, %d withdrawn",
             report.sent, len(report.retrying), report.failed, report.uncertain,
             report.withdrawn)
    return report
