"""Anonymising a person (GDPR art. 17, where no legal obligation requires keeping the data).

An administrator sees first what will change (``preview``), then anonymises: the NIR, the
names, the birth date and the contact details are replaced; every text written about the
person (appointment notes, call-back requests, preparation notes, their mediation files)
loses their names, NIR, phone and e-mail; the history stays — appointments, outcomes, cases —
so that the figures stay right. Refused, with the reason, while the person has an
appointment to come or an open mediation case.

On SQLite, the pages freed or rewritten are zeroed (``secure_delete``) and the full-text
indexes merged, and ``wipe_traces`` then checkpoints the write-ahead log: nothing of the
person can be read back from the database file. On PostgreSQL the mediation files, which an
administrator may not read, are scrubbed by the ``SECURITY DEFINER`` function of migration
0013.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, text

from db import validation
from db.agenda.models import Appointment, AppointmentStatus
from db.base import utcnow
from db.callbacks.models import CallbackRequest
from db.errors import ConflictError
from db.mediation.models import MediationCase, MediationDocument, MediationEvent
from db.messages.models import Message, MessageStatus
from db.org.access import Permission
from db.people.labels import display_name
from db.people.models import Person, PersonKind
from db.preparation.models import PreparationAttempt, PreparationTask
from db.store import Store
from db.unit import INCLUDE_DELETED, Unit, rows
from db.wording import NBSP, moment

ANONYMOUS = "ANONYME"
REPLACED = "[anonymisé]"
# Columns of free text about the person in other tables, scrubbed of their words.
_TEXTS = ((Appointment, ("note", "cancel_reason")), (PreparationTask, ("note",)),
          (PreparationAttempt, ("note",)), (CallbackRequest, ("reason",)))


@dataclass(frozen=True)
class ErasurePreview:
    person_id: uuid.UUID
    version: int
    name: str
    changes: tuple[str, ...]  # what will change, in French, one line each
    refusal: str | None  # why it cannot be done now (None: it can)


def _person(unit: Unit, person_id: uuid.UUID) -> Person:
    return rows.load(unit, Person, person_id)


def _refusal(unit: Unit, person: Person, now: datetime) -> str | None:
    session = unit.session
    coming = session.scalar(select(func.min(Appointment.starts_at)).where(
        Appointment.person_id == person.id, Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at > now))
    if person.kind is PersonKind.EMPLOYER:
        return (f"Un employeur n'est pas une personne physique{NBSP}: il n'y a rien à "
                "anonymiser.")
    if coming is not None:
        return (f"{display_name(person)} a un rendez-vous à venir, le "
                f"{moment(coming, 'Europe/Paris')}{NBSP}: annulez-le d'abord.")
    if _has_open_case(unit, person.id):
        return (f"{display_name(person)} a un dossier de médiation en cours{NBSP}: il doit être "
                "clos avant l'anonymisation.")
    return None


def _has_open_case(unit: Unit, person_id: uuid.UUID) -> bool:
    session = unit.session
    if session.bind.dialect.name == "postgresql":  # the files are the mediation team's
        return bool(session.scalar(text("SELECT guichet_person_has_open_case(:person)"),
                                   {"person": person_id}))
    return bool(session.scalar(select(exists().where(
        MediationCase.person_id == person_id, MediationCase.is_open))))


def _counts(unit: Unit, person_id: uuid.UUID) -> dict[str, int]:
    session = unit.session

    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model).where(
            model.person_id == person_id).execution_options(**{INCLUDE_DELETED: True}))

    return {"appointments": count(Appointment), "callbacks": count(CallbackRequest)}


def preview(unit: Unit, person_id: uuid.UUID, *, now: datetime | None = None
            ) -> ErasurePreview:
    """What anonymising the person would change, and whether it may be done now."""
    unit.require(Permission.ADMINISTER)
    person = _person(unit, person_id)
    counts = _counts(unit, person_id)
    changes = (
        "Le NIR, le nom, le prénom, le nom de naissance et la date de naissance sont effacés ; "
        f"la personne s'appellera « {ANONYMOUS} ».",
        "Le téléphone, l'e-mail et l'adresse sont effacés.",
        f"Les notes de ses {counts['appointments']} rendez-vous et de leurs préparations, et ses "
        f"{counts['callbacks']} demandes de rappel perdent ses nom, NIR, téléphone et e-mail.",
        "Ses dossiers de médiation clos perdent ses nom et coordonnées ; leurs documents sont "
        "effacés.",
        "L'historique (rendez-vous, issues, dossiers) reste, sans elle : les chiffres du "
        "tableau de bord ne changent pas.",
        "C'est définitif : rien ne permettra de retrouver qui elle était.",
    )
    return ErasurePreview(person_id, person.version, display_name(person), changes,
                          _refusal(unit, person, now or utcnow()))


# -- the words to take out ---------------------------------------------------------------------

def _patterns(person: Person, contacts: list[tuple[str | None, str | None]]) -> list[str]:
    """Regular expressions (Python's and PostgreSQL's alike) of every way the person's
    identity may be written: names as typed and folded, NIR and phone digits however
    spaced, e-mail — theirs and those they left with a call-back request (``contacts``)."""
    words = set()
    for name in (person.last_name, person.first_name, person.birth_name,
                 person.organisation_name):
        for part in re.split(r"[\s\-']+", name or ""):
            if len(part) >= 2:
                words.update({part, validation.fold(part)})
    patterns = [re.escape(word) for word in sorted(words, key=len, reverse=True)]
    phones = [validation.phone_digits(phone) for phone, _email in contacts]
    for digits in (person.nir, person.phone_digits, person.rpps, *phones):
        if digits:
            national = "0" + digits[3:] if digits.startswith("+33") else digits
            for form in {digits, national, national[1:]}:
                patterns.append(r"[\s.]?".join(re.escape(d) for d in form))
    for email in {person.email, *(email for _phone, email in contacts)}:
        if email:
            patterns.append(re.escape(email))
    return patterns


def _scrub(value: str | None, patterns: list[str]) -> str | None:
    if not value:
        return value
    for pattern in patterns:
        value = re.sub(pattern, REPLACED, value, flags=re.IGNORECASE)
    return value


def _scrub_rows(unit: Unit, model, columns: tuple[str, ...], condition,
                patterns: list[str]) -> None:
    table = model.__table__
    found = unit.session.execute(select(table.c.id, *(table.c[c] for c in columns))
                                 .where(condition))
    values = {}
    for row in found:
        changed = {c: _scrub(getattr(row, c), patterns) for c in columns}
        changed = {c: v for c, v in changed.items() if v != getattr(row, c)}
        if changed:
            values[row.id] = changed
    rows.update_many(unit, model, values, action="anonymise")


# -- anonymising -------------------------------------------------------------------------------

def anonymise(unit: Unit, person_id: uuid.UUID, expected_version: int, *,
              now: datetime | None = None) -> None:
    """Anonymise the person as ``preview`` said (refused, nothing written, when it may not
    be done now, or when the person changed since the preview)."""
    unit.require(Permission.ADMINISTER)
    person = rows.load_version(unit, Person, person_id, expected_version)
    refusal = _refusal(unit, person, now or utcnow())
    if refusal:
        raise ConflictError(refusal)
    session = unit.session
    sqlite = session.bind.dialect.name == "sqlite"
    if sqlite:  # what is rewritten or freed is zeroed in the file
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    contacts = [(r.contact_phone, r.contact_email) for r in session.execute(
        select(CallbackRequest.contact_phone, CallbackRequest.contact_email)
        .where(CallbackRequest.person_id == person_id))]
    patterns = _patterns(person, contacts)
    appointment_ids = select(Appointment.id).where(Appointment.person_id == person_id) \
        .execution_options(**{INCLUDE_DELETED: True})
    task_ids = select(PreparationTask.id).where(
        PreparationTask.appointment_id.in_(appointment_ids))
    conditions = {Appointment: Appointment.person_id == person_id,
                  PreparationTask: PreparationTask.appointment_id.in_(appointment_ids),
                  PreparationAttempt: PreparationAttempt.task_id.in_(task_ids),
                  CallbackRequest: CallbackRequest.person_id == person_id}
    for model, columns in _TEXTS:
        _scrub_rows(unit, model, columns, conditions[model], patterns)
    callbacks = list(session.scalars(select(CallbackRequest.id).where(
        CallbackRequest.person_id == person_id)))
    rows.update_many(unit, CallbackRequest, {
        i: {"contact_name": "", "contact_phone": None, "contact_email": None}
        for i in callbacks}, action="anonymise")
    # The queue keeps where each message went: the address goes, and what still waits is
    # withdrawn (nobody is to be written to under a name that no longer exists).
    rows.update_many(unit, Message, {
        message_id: {"recipient": "", **({"status": MessageStatus.WITHDRAWN,
                                          "note": "personne anonymisée"}
                                         if status is MessageStatus.PENDING else {})}
        for message_id, status in session.execute(select(Message.id, Message.status).where(
            Message.person_id == person_id))}, action="anonymise")
    if sqlite:
        _scrub_mediation(unit, person_id, patterns)
    else:
        session.execute(text("SELECT guichet_anonymise_mediation(:person, :patterns)"),
                        {"person": person_id, "patterns": patterns})
        unit.changes.add(MediationCase.__tablename__)
    rows.save(unit, person, {
        "last_name": ANONYMOUS, "first_name": "", "birth_name": "", "birth_date": None,
        "nir": validation.anonymised_nir() if person.nir else None, "civility": None,
        "rpps": None,
        "phone": None, "phone_digits": None, "email": None, "address": "", "postcode": "",
        "city": "", "sort_key": validation.fold(ANONYMOUS)}, action="anonymise")
    if sqlite:  # the deleted entries of the full-text indexes are merged away
        for index in ("person_fts", "mediation_case_fts"):
            session.execute(text(f"INSERT INTO {index}({index}) VALUES ('optimize')"))


def _scrub_mediation(unit: Unit, person_id: uuid.UUID, patterns: list[str]) -> None:
    """On SQLite (no row-level security), what the server's function does."""
    from db.mediation.common import search_text

    session = unit.session
    cases = select(MediationCase.id).where(MediationCase.person_id == person_id)
    _scrub_rows(unit, MediationCase, ("summary", "representative_name", "contested_decision"),
                MediationCase.person_id == person_id, patterns)
    _scrub_rows(unit, MediationEvent, ("title", "text", "party"),
                MediationEvent.case_id.in_(cases), patterns)
    documents = list(session.scalars(select(MediationDocument.id).where(
        MediationDocument.case_id.in_(cases))))
    rows.update_many(unit, MediationDocument, {
        i: {"filename": "document anonymisé", "data": b"", "size": 0} for i in documents},
        action="anonymise")
    session.expire_all()
    for case in session.scalars(select(MediationCase).where(
            MediationCase.person_id == person_id)):
        anonymous = Person(kind=case.person.kind, last_name=ANONYMOUS, first_name="",
                           birth_name="", organisation_name="")
        rows.save(unit, case, {"search_text": search_text(case, anonymous, case.motive)},
                  action=None)


def wipe_traces(store: Store) -> None:
    """After an anonymisation has committed: on SQLite, the write-ahead log holding the
    pages as they were is emptied into the file (whose freed pages are zeroed)."""
    if store.is_sqlite:
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
