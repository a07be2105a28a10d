"""Importing a monthly pathway extract: parse and check everything, then write it all or nothing.

The extract is a CSV as French office tools write it: ``;`` or ``,`` separated, UTF-8 with or
without BOM or Windows-1252, quoted fields, CRLF or LF. Its header names the columns ``nir``,
``nom``, ``prenom``, ``date_naissance`` and optionally ``telephone``, ``email``,
``date_entree``, in any order, case, accents, spaces or apostrophes (« Date d'entrée »); other
columns are ignored. Dates are ``dd/mm/yyyy`` or ``yyyy-mm-dd``; NIRs may be spaced.

``parse_extract`` is pure (no database): a screen previews its rows and errors. ``import_extract``
parses again, refuses the whole file with every faulty line numbered as in the file (the header
is line 1) or writes it: people matched by NIR (created when unknown, with the people service's
rules; phone and e-mail updated when the extract is newer than the record), one worklist entry
per person not yet in the pathway that month, one import record, the audit trail.

Only identity refuses a file (NIR, names, birth date, the same NIR twice): a phone or an e-mail
that is not valid is imported empty, the line flagged « coordonnées à vérifier » (a chip of
the worklist) and listed as a warning of the report — one wrong number must not keep 499
people out of the month's worklist.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import french_csv, validation
from db.base import utcnow
from db.errors import ConflictError
from db.french_csv import LineError
from db.org.access import Permission
from db.pathways.kinds import kind_by_code
from db.pathways.models import PathwayEntry, PathwayImport, PathwayKind
from db.pathways.months import first_of_month
from db.people import rules as people_rules
from db.people.models import Person, PersonKind
from db.unit import Unit, rows
from db.wording import month_label

Progress = Callable[[int, int, str], None]

REQUIRED = ("nir", "nom", "prenom", "date_naissance")
OPTIONAL = ("telephone", "email", "date_entree")
# Header keys are folded to lower-case letters and digits: « Date d'entrée » → dateentree.
_HEADER_NAMES = {
    "nir": "nir", "numerodesecuritesociale": "nir", "numerosecuritesociale": "nir",
    "nom": "nom", "nomdusage": "nom", "nomdefamille": "nom",
    "prenom": "prenom",
    "datenaissance": "date_naissance", "datedenaissance": "date_naissance",
    "telephone": "telephone", "tel": "telephone",
    "email": "email", "mail": "email", "courriel": "email", "adressemail": "email",
    "dateentree": "date_entree", "datedentree": "date_entree",
}
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CHUNK = 5000  # rows per query or insert: well under every engine's parameter limit


class ImportRefused(french_csv.FileRefused):
    """The extract was refused: nothing written."""


@dataclass(frozen=True)
class LineWarning:
    """A contact detail of the extract left out: the line is imported, to check."""

    line: int
    field: str  # French: « téléphone », « e-mail »
    value: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:59] + "…"
        return (f"Ligne {self.line} : {self.field} « {value} » non valide, importé vide "
                "(coordonnées à vérifier).")


@dataclass(frozen=True)
class RepeatedLine:
    """The same person (NIR and identity) as an earlier line: imported once."""

    line: int
    first_line: int

    def __str__(self) -> str:
        return (f"Ligne {self.line} : même personne que ligne {self.first_line}, "
                "comptée une fois.")


@dataclass(frozen=True)
class ExtractRow:
    """One person of the extract, cleaned: NIR compact, phone E.164, e-mail normalised."""

    line: int
    nir: str
    last_name: str
    first_name: str
    birth_date: date
    phone: str | None
    email: str | None
    entry_date: date | None
    contacts_to_check: bool = False


@dataclass
class ParsedExtract:
    rows: list[ExtractRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    warnings: list[LineWarning] = field(default_factory=list)
    repeated: list[RepeatedLine] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    header: list[str] = field(default_factory=list)

    def default_month(self, today: date) -> date:
        """The import month when none is given: the most frequent month of the entry dates
        (the latest one on a tie), or the current month when the file gives none."""
        months = Counter(first_of_month(r.entry_date) for r in self.rows if r.entry_date)
        if not months:
            return first_of_month(today)
        return max(months, key=lambda m: (months[m], m))


@dataclass(frozen=True)
class ImportReport:
    import_id: uuid.UUID
    kind_label: str
    month: date
    rows: int
    new: int
    already_known: int
    updated: int
    people_created: int
    warnings: tuple[LineWarning, ...] = ()
    repeated: tuple[RepeatedLine, ...] = ()

    def describe(self) -> str:
        """The French report the command line prints and the import dialog shows."""
        to_check = len({warning.line for warning in self.warnings})
        return "\n".join([
            f"Parcours « {self.kind_label} », {month_label(self.month)} : "
            f"{self.rows} ligne{'s' if self.rows > 1 else ''} lue{'s' if self.rows > 1 else ''}.",
            f"Nouvelles dans la liste de travail : {self.new}",
            f"Déjà connues (déjà dans ce parcours ce mois-ci) : {self.already_known}",
            f"Coordonnées mises à jour : {self.updated}",
            f"Dont fiches créées dans le registre : {self.people_created}",
            *([f"Coordonnées à vérifier : {to_check} ligne{'s' if to_check > 1 else ''} "
               f"(importée{'s' if to_check > 1 else ''} sans le téléphone ou l'e-mail non "
               "valide)",
               *(str(warning) for warning in self.warnings)] if to_check else []),
            *([f"Lignes en double (même personne, comptée une fois) : {len(self.repeated)}",
               *(str(line) for line in self.repeated)] if self.repeated else []),
        ])


# -- parsing (pure) --------------------------------------------------------------------------

def _parse_date(text: str, what: str) -> date:
    text = text.strip()
    match = _FRENCH_DATE.match(text)
    parts = (match[3], match[2], match[1]) if match else None
    if parts is None and (match := _ISO_DATE.match(text)):
        parts = (match[1], match[2], match[3])
    if parts is None:
        raise ValueError(f"{what} illisible « {text} » (attendu jj/mm/aaaa ou aaaa-mm-jj).")
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        raise ValueError(f"{what} impossible « {text} ».") from None


def _clean_contact(line: int, cleaner: Callable[[str], str | None], value: str, what: str,
                   warnings: list[LineWarning]) -> str | None:
    try:
        return cleaner(value)
    except ValueError:
        warnings.append(LineWarning(line, what, value.strip()))
        return None


def _clean_row(
    line: int, values: dict[str, str], today: date
) -> tuple[ExtractRow | None, list[str], list[LineWarning]]:
    """The cleaned row, or None and every reason it is refused (French sentences); and the
    contact details left out."""
    reasons: list[str] = []
    warnings: list[LineWarning] = []

    def attempt(cleaner: Callable, *args):
        try:
            return cleaner(*args)
        except ValueError as error:
            reasons.append(str(error))
            return None

    nir = attempt(validation.clean_nir, values["nir"])
    last_name = people_rules.clean_name(values["nom"])
    first_name = people_rules.clean_name(values["prenom"])
    for field_name, name in (("last_name", last_name), ("first_name", first_name)):
        if problem := people_rules.name_problem(field_name, name):
            reasons.append(problem)
    birth_date = attempt(_parse_date, values["date_naissance"], "Date de naissance")
    if birth_date is not None and (problem := people_rules.birth_date_problem(
            birth_date, nir, today)):
        reasons.append(problem)
    entry_text = values.get("date_entree", "").strip()
    entry_date = attempt(_parse_date, entry_text, "Date d'entrée") if entry_text else None
    phone = _clean_contact(line, validation.clean_phone, values.get("telephone", ""),
                           "téléphone", warnings)
    email = _clean_contact(line, validation.clean_email, values.get("email", ""), "e-mail",
                           warnings)
    if reasons:
        return None, reasons, []
    return ExtractRow(line, nir, last_name, first_name, birth_date, phone, email,
                      entry_date, contacts_to_check=bool(warnings)), [], warnings


def parse_extract(
    data: bytes, progress: Progress | None = None, today: date | None = None
) -> ParsedExtract:
    """Read and check a whole extract; never raises on bad content, lists it in ``errors``."""
    progress = progress or (lambda *_: None)
    today = today or date.today()
    parsed = ParsedExtract()
    try:
        text, parsed.encoding = french_csv.decode(data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        parsed.errors.append(LineError(line, "Caractère illisible : le fichier n'est ni en "
                                             "UTF-8 ni en Windows-1252."))
        return parsed
    if not text.strip():
        parsed.errors.append(LineError(1, "Le fichier est vide."))
        return parsed
    parsed.delimiter = french_csv.sniff_delimiter(text.split("\n", 1)[0])
    parsed.header, numbered = french_csv.records(text, parsed.delimiter, parsed.errors)
    columns = _map_columns(parsed.header, parsed.errors)
    if parsed.errors:
        return parsed
    total = text.count("\n") + 1
    first_of_nir: dict[str, ExtractRow] = {}
    for record_line, record in numbered:
        if len(record) < len(parsed.header):
            parsed.errors.append(LineError(record_line, f"La ligne compte {len(record)} "
                                           f"colonnes au lieu de {len(parsed.header)}."))
            continue
        values = {name: record[index] for name, index in columns.items()}
        row, reasons, warnings = _clean_row(record_line, values, today)
        parsed.errors.extend(LineError(record_line, reason) for reason in reasons)
        parsed.warnings.extend(warnings)
        if row is not None:
            first = first_of_nir.get(row.nir)
            if first is None:
                first_of_nir[row.nir] = row
                parsed.rows.append(row)
            elif _identity(first) == _identity(row):
                # The same person twice (extracts merged, a line copied): one entry.
                parsed.repeated.append(RepeatedLine(record_line, first.line))
            else:
                parsed.errors.append(LineError(record_line, (
                    f"Ce NIR figure déjà ligne {first.line} avec une autre identité (nom, "
                    "prénom ou date de naissance) : vérifiez lequel est le bon.")))
        if record_line % 1000 == 0:
            progress(record_line, total, "Lecture du fichier…")
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(LineError(1, "Le fichier ne contient que l'en-tête : aucune "
                                          "personne à importer."))
    progress(total, total, "Lecture du fichier…")
    return parsed


def _identity(row: ExtractRow) -> tuple[str, str, date]:
    return (validation.fold(row.last_name), validation.fold(row.first_name), row.birth_date)


def header_mapping(header: list[str]) -> list[tuple[str, str | None]]:
    """Each column of the file and the field it fills (None: ignored), for a preview."""
    return [(name, _HEADER_NAMES.get(french_csv.header_key(name))) for name in header]


def _map_columns(header: list[str], errors: list[LineError]) -> dict[str, int]:
    """Canonical column name → index; missing or doubled columns are line-1 errors."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = _HEADER_NAMES.get(french_csv.header_key(name))
        if canonical is None:
            continue
        if canonical in columns:
            errors.append(LineError(1, f"La colonne « {canonical} » apparaît deux fois "
                                       f"(« {header[columns[canonical]]} » et « {name} »)."))
        columns[canonical] = index
    for name in REQUIRED:
        if name not in columns:
            found = ", ".join(f"« {h} »" for h in header)
            errors.append(LineError(1, f"Colonne obligatoire absente : « {name} » "
                                       f"(colonnes trouvées : {found})."))
    return columns


# -- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Known:
    id: uuid.UUID
    phone: str | None
    email: str | None
    updated_on: date
    deleted: bool


def import_extract(
    unit: Unit,
    kind_code: str,
    data: bytes,
    *,
    month: date | None = None,
    file_name: str = "",
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import an extract into the worklist of ``kind_code`` for ``month``, all or nothing.

    The unit's actor is the signed-in account, or none for the unattended command line
    (trusted as it holds the database's credentials; the audit trail then names no
    account). ``month`` defaults to ``ParsedExtract.default_month``. Raises
    ``ImportRefused`` with every faulty line, having written nothing.
    """
    unit.require(Permission.WORK_PATHWAYS, system=True)
    progress = progress or (lambda *_: None)
    today = today or date.today()
    kind = kind_by_code(unit, kind_code)
    parsed = parse_extract(data, progress, today)
    if parsed.errors:
        raise ImportRefused(parsed.errors)
    month = first_of_month(month) if month else parsed.default_month(today)
    lines = parsed.rows
    known = _known_people(unit.session, [line.nir for line in lines])
    deleted = [LineError(line.line, "Ce NIR est celui d'une fiche supprimée du registre : "
                                    "rétablissez-la avant d'importer.")
               for line in lines if line.nir in known and known[line.nir].deleted]
    if deleted:
        raise ImportRefused(deleted)
    try:
        report = _write(unit, kind, month, lines, known, data, file_name, progress, today)
        return replace(report, warnings=tuple(parsed.warnings),
                       repeated=tuple(parsed.repeated))
    except IntegrityError:
        # Another import wrote some of these people or entries meanwhile: this one is
        # rolled back whole; run again, it adds only what is missing.
        raise ConflictError(
            "Un autre import a enregistré une partie de ces personnes pendant celui-ci : rien "
            "n'a été enregistré. Relancez l'import ; il n'ajoutera que ce qui manque."
        ) from None


def _write(
    unit: Unit, kind: PathwayKind, month: date, lines: list[ExtractRow],
    known: dict[str, _Known], data: bytes, file_name: str, progress: Progress, today: date,
) -> ImportReport:
    """Write a checked extract: new people, newer contacts, entries, the import, the audit."""
    label = "Enregistrement…"
    progress(0, len(lines), label)
    person_ids = _create_people(unit, [line for line in lines if line.nir not in known])
    person_ids.update({nir: k.id for nir, k in known.items()})
    updated = _update_contacts(unit, lines, known, today)
    progress(len(lines) // 2, len(lines), label)

    in_pathway = set(unit.session.scalars(select(PathwayEntry.person_id).where(
        PathwayEntry.kind_id == kind.id, PathwayEntry.month == month)))
    new_lines = [line for line in lines if person_ids[line.nir] not in in_pathway]
    record = rows.create(unit, PathwayImport(
        kind_id=kind.id, month=month, file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(), rows=len(lines),
        new_entries=len(new_lines), already_known=len(lines) - len(new_lines),
        people_created=len(lines) - len(known), people_updated=updated,
        imported_by_id=unit.actor_id,
    ), action="import", kind_id=str(kind.id), month=month.isoformat(), rows=len(lines),
        new=len(new_lines), already_known=len(lines) - len(new_lines),
        people_created=len(lines) - len(known), people_updated=updated)
    now = utcnow()
    # The entries' creation is audited once, on the import: each entry keeps its import_id.
    rows.insert_many(unit, PathwayEntry, [
        {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 1,
         "kind_id": kind.id, "month": month, "person_id": person_ids[line.nir],
         "import_id": record.id, "entry_date": line.entry_date,
         "contacts_to_check": line.contacts_to_check}
        for line in new_lines
    ], action=None)
    progress(len(lines), len(lines), label)
    return ImportReport(record.id, kind.label, month, record.rows, record.new_entries,
                        record.already_known, updated, record.people_created)


def _known_people(session: Session, nirs: list[str]) -> dict[str, _Known]:
    """The registry's people with these NIRs (deleted ones too), in a few queries."""
    known = {}
    for start in range(0, len(nirs), _CHUNK):
        for nir, person_id, phone, email, updated_at, deleted_at in session.execute(
            select(Person.nir, Person.id, Person.phone, Person.email, Person.updated_at,
                   Person.deleted_at).where(Person.nir.in_(nirs[start:start + _CHUNK]))
            .execution_options(include_deleted=True)
        ):
            known[nir] = _Known(person_id, phone, email, updated_at.date(),
                                deleted_at is not None)
    return known


def _create_people(unit: Unit, lines: list[ExtractRow]) -> dict[str, uuid.UUID]:
    """Insert the unknown people in bulk.

    Their fields were cleaned by the people service's rules (``db.validation``) while
    parsing; the derived columns are computed as ``records.create_person`` does (a test
    compares both). Not one ``_validate`` per row: its NIR query per person costs seconds.
    """
    now = utcnow()
    people = [
        {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 1,
         "kind": PersonKind.BENEFICIARY, "civility": validation.nir_sex(line.nir),
         "last_name": line.last_name, "first_name": line.first_name,
         "birth_date": line.birth_date, "nir": line.nir, "phone": line.phone,
         "phone_digits": _national_digits(line.phone), "email": line.email,
         "sort_key": validation.fold(f"{line.last_name} {line.first_name}").strip()}
        for line in lines
    ]
    rows.insert_many(unit, Person, people, kind=PersonKind.BENEFICIARY.value,
                     source="pathway_import")
    return {p["nir"]: p["id"] for p in people}


def _national_digits(e164: str | None) -> str | None:
    """``validation.phone_digits`` without formatting the number again (a third of a second
    on 10,000 rows): a French « +33 » number is « 0 » and its nine digits."""
    if e164 and e164.startswith("+33"):
        return "0" + e164[3:]
    return validation.phone_digits(e164)


def _update_contacts(
    unit: Unit, lines: list[ExtractRow], known: dict[str, _Known], today: date,
) -> int:
    """Take the extract's phone and e-mail when the extract is newer than the record.

    A row is dated by its entry date, else by the import day; an empty cell never erases.
    """
    changes: dict[uuid.UUID, dict] = {}
    for line in lines:
        person = known.get(line.nir)
        if person is None or (line.entry_date or today) <= person.updated_on:
            continue
        values = {}
        if line.phone and line.phone != person.phone:
            values |= {"phone": line.phone, "phone_digits": _national_digits(line.phone)}
        if line.email and line.email != person.email:
            values["email"] = line.email
        if values:
            changes[person.id] = values
    rows.update_many(unit, Person, changes, source="pathway_import")
    return len(changes)
