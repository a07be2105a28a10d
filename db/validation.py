"""Checks and normalisation of identifiers and contact details, with French messages.

Each ``clean_*`` function returns the stored form of a value or raises ``ValueError`` with a
French sentence that the interface shows beside the field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# phonenumbers, email_validator and stdnum are imported where they are used: together they
# cost about 0.1 s, which the first window does not need (cold-start budget).

# Metropolitan France first, then the overseas regions sharing the +33-style numbering.
PHONE_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM")

_SEPARATORS = re.compile(r"[\s.\-]")


def compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


NIR_KEY_MISMATCH = ("La clé du NIR (les 2 derniers chiffres) ne correspond pas aux 13 premiers "
                    "caractères : vérifiez le numéro sur la carte Vitale ou l'attestation.")


def clean_nir(value: str) -> str:
    """A NIR without spaces (15 characters), key checked; Corsica keeps 2A/2B."""
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.fr import nir as stdnum_nir

    number = compact(value)
    if not number:
        raise ValueError("Le NIR est obligatoire.")
    if len(number) != 15:
        raise ValueError(
            f"Le NIR doit compter 15 caractères (13 + la clé de 2 chiffres) ; {len(number)} saisis."
        )
    if number[0] not in "1278":
        raise ValueError("Le NIR doit commencer par 1 ou 2 (7 ou 8 pour un NIR provisoire).")
    try:
        stdnum_nir.validate(number)
    except InvalidChecksum:
        # Never the right key: an adviser who mistyped a digit would type it in and save a
        # wrong NIR, which the key is there to catch.
        raise ValueError(NIR_KEY_MISMATCH) from None
    except ValidationError:
        raise ValueError(
            "Le NIR n'est pas valide : 13 chiffres (2A ou 2B pour la Corse) suivis de la clé."
        ) from None
    return number


# An anonymised beneficiary keeps, in place of their NIR, a unique key no real NIR can be (a
# real one starts with 1, 2, 7 or 8): the row stays complete, nothing of the person remains,
# and a NIR search never finds it.
ANONYMISED_NIR_PREFIX = "0"


def anonymised_nir() -> str:
    import uuid

    return ANONYMISED_NIR_PREFIX + uuid.uuid4().hex[:14]


def is_anonymised_nir(nir: str | None) -> bool:
    return bool(nir) and nir.startswith(ANONYMISED_NIR_PREFIX)


def format_nir(nir: str) -> str:
    """« 1 84 12 76 451 089 46 » (nothing for an anonymised person)."""
    from stdnum.fr import nir as stdnum_nir

    return "" if is_anonymised_nir(nir) else stdnum_nir.format(nir)


def mask_nir(nir: str | None) -> str:
    """« 1 84 12 ** *** *** 46 »: sex, year, month and key only, for lists."""
    if not nir or is_anonymised_nir(nir):
        return ""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} ** *** *** {nir[13:15]}"


def nir_birth_date_mismatch(nir: str, birth_date: date) -> str | None:
    """French message when the NIR's year or month contradicts the birth date, else None."""
    if nir[0] in "78":  # provisional numbers carry no reliable birth data
        return None
    year, month = nir[1:3], nir[3:5]
    if int(year) != birth_date.year % 100:
        return f"La date de naissance ne correspond pas au NIR (année « {year} » dans le NIR)."
    if 1 <= int(month) <= 12 and int(month) != birth_date.month:
        return f"La date de naissance ne correspond pas au NIR (mois « {month} » dans le NIR)."
    return None


def nir_sex(nir: str) -> str:
    """'m' or 'mme' from the first digit."""
    return "m" if nir[0] in "17" else "mme"


def clean_siret(value: str) -> str:
    from stdnum.fr import siret as stdnum_siret

    number = compact(value)
    if not number.isdigit() or len(number) != 14:
        raise ValueError("Le SIRET doit compter 14 chiffres.")
    if not stdnum_siret.is_valid(number):
        raise ValueError("Le SIRET n'est pas valide (la clé de contrôle est fausse).")
    return number


def clean_rpps(value: str) -> str | None:
    from stdnum import luhn

    number = compact(value)
    if not number:
        return None
    if not number.isdigit() or len(number) != 11:
        raise ValueError("Le numéro RPPS doit compter 11 chiffres.")
    if not luhn.is_valid(number):
        raise ValueError("Le numéro RPPS n'est pas valide (la clé de contrôle est fausse).")
    return number


def clean_phone(value: str) -> str | None:
    """E.164 (« +33612345678 »), trying France then the overseas regions."""
    import phonenumbers

    if not (value or "").strip():
        return None
    for region in PHONE_REGIONS:
        try:
            parsed = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            break
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError("Ce numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78).")


# Metropolitan numbers but the 08 services (« 0 800 12 34 56 »): ten digits in pairs.
_METROPOLITAN_PAIRS = re.compile(r"\+33[1-79][0-9]{8}")


# Between the groups of a phone number: a no-break space, so that « 06 12 34 56 78 » never
# breaks across two lines (a label, a letter, a PDF cell).
PHONE_SPACE = "\u00a0"


def format_phone(e164: str | None) -> str:
    """« 06 12 34 56 78 » (national form of the number's own region), its groups joined by
    no-break spaces; ``clean_phone`` reads it back."""
    if not e164:
        return ""
    if _METROPOLITAN_PAIRS.fullmatch(e164):
        # Most of the registry, written without phonenumbers: parsing costs about 40 µs a
        # number, a millisecond and a half for a screenful of the people list.
        national = "0" + e164[3:]
        return PHONE_SPACE.join(national[i:i + 2] for i in range(0, 10, 2))
    import phonenumbers

    parsed = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return national.replace(" ", PHONE_SPACE)


def phone_digits(e164: str | None) -> str | None:
    """National digits (« 0612345678 »), the key phone searches match by prefix."""
    if not e164:
        return None
    return compact(format_phone(e164))


def clean_email(value: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    if not (value or "").strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(
            "Cette adresse e-mail n'est pas valide (exemple : nom@exemple.fr)."
        ) from None


def fold(text: str) -> str:
    """Lower case without accents: « Éloïse » → « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_WORD = re.compile(r"\w+")


def search_words(query: str) -> list[str]:
    """The words of a search box, folded first and split after: folding may turn a letter
    into punctuation (« ⑴ » → « (1) », « ﹰ »…), which must not reach a full-text query."""
    return _WORD.findall(fold(query))


def prefix_tsquery(words: list[str]) -> str:
    """A PostgreSQL ``to_tsquery`` text matching every word as a prefix. Each word is quoted
    as a lexeme, so that no string typed in a search box is a tsquery syntax error."""
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*"
                      for w in words)


def prefix_fts5(words: list[str]) -> str:
    """The SQLite FTS5 ``MATCH`` text of the same search: each word a quoted prefix."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)
