"""A case's timeline entries written by hand and its documents (scans, letters sent)."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from db.errors import ValidationError
from db.mediation.common import add_event, today_in_office
from db.mediation.labels import EVENT_LABELS
from db.mediation.lifecycle import acknowledge
from db.mediation.models import (
    CaseEventKind,
    MediationCase,
    MediationDocument,
    MediationEvent,
)
from db.mediation.records import EntryInput
from db.org.access import Permission
from db.unit import Unit, audit, rows

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


_HAND_WRITTEN = (CaseEventKind.NOTE, CaseEventKind.CALL, CaseEventKind.REQUEST,
                 CaseEventKind.ANSWER)


def add_entry(unit: Unit, case_id: uuid.UUID,
              data: EntryInput) -> uuid.UUID:
    """A note, a call, a request to a department or its answer. The case's version is left
    alone, so that two colleagues writing notes at once do not refuse each other's."""
    session = unit.session
    unit.require(Permission.MEDIATION)
    case = rows.load(unit, MediationCase, case_id)
    errors = {}
    if data.kind not in _HAND_WRITTEN:
        errors["kind"] = "Choisissez : note, appel, demande à un service ou réponse."
    if not data.text.strip():
        errors["text"] = "Le texte est obligatoire."
    if data.kind in (CaseEventKind.REQUEST, CaseEventKind.ANSWER) and not data.party.strip():
        errors["party"] = "Précisez le service ou le partenaire."
    if data.answers_id is not None:
        request = session.get(MediationEvent, data.answers_id)
        if (request is None or request.case_id != case.id
                or request.kind is not CaseEventKind.REQUEST):
            errors["answers_id"] = "Cette réponse ne correspond à aucune demande du dossier."
    if data.occurred_at is not None and data.occurred_at > datetime.now(UTC):
        errors["occurred_at"] = "La date ne peut pas être dans le futur."
    if errors:
        raise ValidationError(errors)
    event = add_event(unit, case, data.kind, data.title.strip() or EVENT_LABELS[data.kind],
                      data.text, internal=data.internal, party=data.party,
                      occurred_at=data.occurred_at, answers_id=data.answers_id)
    audit.record(unit, "add_entry", "mediation_case", case.id, event_id=str(event.id),
                 kind=data.kind.value)
    return event.id


def _store_document(unit: Unit, case: MediationCase, filename: str, content: bytes,
                    media_type: str | None) -> MediationDocument:
    name = filename.strip().replace("/", "_").replace("\\", "_")[:200]
    if not name:
        raise ValidationError({"filename": "Le fichier doit avoir un nom."})
    if not content:
        raise ValidationError({"filename": f"Le fichier « {name} » est vide."})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"filename": f"Le fichier « {name} » dépasse 20 Mo : "
                                           "numérisez-le en plusieurs parties."})
    document = MediationDocument(
        case_id=case.id, filename=name,
        media_type=media_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), data=content,
    )
    return rows.create(unit, document, action=None)


def attach_document(unit: Unit, case_id: uuid.UUID, filename: str,
                    content: bytes, *, description: str = "", internal: bool = True,
                    media_type: str | None = None) -> uuid.UUID:
    """Keep a file (scanned letter, PDF…) with the case; returns the timeline entry's id."""
    unit.require(Permission.MEDIATION)
    case = rows.load(unit, MediationCase, case_id)
    document = _store_document(unit, case, filename, content, media_type)
    event = add_event(unit, case, CaseEventKind.ATTACHMENT, document.filename,
                      description, internal=internal, document_id=document.id)
    audit.record(unit, "attach", "mediation_case", case.id, document_id=str(document.id))
    return event.id


def record_letter(unit: Unit, case_id: uuid.UUID, title: str,
                  filename: str, pdf: bytes, *, acknowledgement: bool = False,
                  today: date | None = None) -> uuid.UUID:
    """Keep a generated letter in the timeline (shared: it went to the requester)."""
    unit.require(Permission.MEDIATION)
    case = rows.load(unit, MediationCase, case_id)
    document = _store_document(unit, case, filename, pdf, "application/pdf")
    event = add_event(unit, case, CaseEventKind.LETTER, title, internal=False,
                      document_id=document.id)
    audit.record(unit, "letter", "mediation_case", case.id, document_id=str(document.id))
    if acknowledgement:
        acknowledge(unit, case.id, today or today_in_office(), today=today)
    return event.id


@dataclass(frozen=True)
class DocumentContent:
    filename: str
    media_type: str
    content: bytes


def read_document(unit: Unit, document_id: uuid.UUID) -> DocumentContent:
    unit.require(Permission.MEDIATION)
    document = rows.load(unit, MediationDocument, document_id)
    audit.record(unit, "open_document", "mediation_case", document.case_id,
                 document_id=str(document.id))
    return DocumentContent(document.filename, document.media_type, document.data)
