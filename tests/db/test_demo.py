"""The demo data generator, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

from db import validation
from db.demo import context as demo_context
from db.demo import generate as demo_generate
from db.errors import GuichetError
from db.org import accounts
from db.org.models import Site, SiteKind, Staff
from db.people import search as people_search
from db.people.labels import PROFESSIONS
from db.people.models import Person, PersonKind
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent
from tests.conftest import _fresh_store

TODAY = date(2026, 3, 2)
FEW = 300  # people: enough for every kind of row, fast on both engines


def generate(store, seed: int = 7, **options):
    options.setdefault("people_count", FEW)
    return demo_generate.generate(store, seed=seed, today=TODAY, **options)


def digest(store) -> str:
    """A fingerprint of what was generated (ids included: they come from the seed too)."""
    with store.session() as session:
        rows = session.execute(
            select(Person.id, Person.nir, Person.siret, Person.last_name, Person.first_name,
                   Person.birth_date, Person.phone, Person.email, Person.address,
                   Person.created_at).order_by(Person.id)
        ).all()
        rows += session.execute(select(Staff.id, Staff.login).order_by(Staff.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def another_empty_store(store, request, tmp_path, name: str):
    """An empty database on the same engine (on PostgreSQL, the same one emptied)."""
    directory = tmp_path / name
    directory.mkdir()
    return _fresh_store("sqlite" if store.is_sqlite else "postgresql", request, directory)


def all_people(store) -> list[Person]:
    with store.session() as session:
        return list(session.scalars(select(Person).options(undefer(Person.nir))))


def test_same_seed_gives_the_same_data_another_seed_other_data(store, request, tmp_path):
    generate(store, seed=7)
    first = digest(store)

    again = another_empty_store(store, request, tmp_path, "again")
    generate(again, seed=7)
    assert digest(again) == first

    other = another_empty_store(store, request, tmp_path, "other")
    generate(other, seed=8)
    assert digest(other) != first
    again.dispose()
    other.dispose()


def test_small_set_has_valid_consistent_identifiers(store):
    summary = demo_generate.generate(store, size="small", today=TODAY)
    rows = all_people(store)
    assert len(rows) == summary.counts["people"] == demo_context.SIZES["small"]
    by_kind = {kind: [p for p in rows if p.kind is kind] for kind in PersonKind}

    beneficiaries = by_kind[PersonKind.BENEFICIARY]
    assert len({p.nir for p in beneficiaries}) == len(beneficiaries)
    for person in beneficiaries:
        assert stdnum_nir.is_valid(person.nir), person.nir
        assert validation.clean_nir(person.nir) == person.nir
        assert validation.nir_birth_date_mismatch(person.nir, person.birth_date) is None
        assert person.civility.value == validation.nir_sex(person.nir)
        assert date(1900, 1, 1) <= person.birth_date <= TODAY
    departments = {p.nir[5:7] for p in beneficiaries}
    assert {"38", "2A", "2B", "97", "99"} <= departments  # Corsica, overseas, abroad
    assert sum(p.nir[5:7] == "38" for p in beneficiaries) > len(beneficiaries) / 2

    professionals = by_kind[PersonKind.HEALTH_PROFESSIONAL]
    assert {p.profession for p in professionals} == set(PROFESSIONS)
    assert all(validation.clean_rpps(p.rpps) == p.rpps for p in professionals)
    employers = by_kind[PersonKind.EMPLOYER]
    assert len({p.siret for p in employers}) == len(employers)
    assert all(stdnum_siret.is_valid(p.siret) for p in employers)
    assert all(p.organisation_name and p.sort_key for p in employers)

    with_phone = [p for p in rows if p.phone]
    assert len(with_phone) > len(rows) * 0.7
    for person in with_phone:
        assert validation.clean_phone(person.phone) == person.phone
        assert validation.phone_digits(person.phone) == person.phone_digits
    assert {p.phone_digits[:2] for p in with_phone} >= {"06", "07", "04"}
    with_email = [p for p in rows if p.email]
    assert len(with_email) > len(rows) * 0.6
    assert all(validation.clean_email(p.email) == p.email for p in with_email)

    for person in rows:
        name = person.last_name or person.organisation_name
        assert person.sort_key == validation.fold(f"{name} {person.first_name}").strip()
        assert person.version == 1 and person.deleted_at is None
        assert TODAY - timedelta(days=366) <= person.created_at.date() <= TODAY
        assert person.created_at <= person.updated_at
        assert person.created_at.tzinfo is not None
        assert person.postcode.startswith("38") and person.city

    accented = [p for p in beneficiaries if not (p.last_name + p.first_name).isascii()]
    assert len(accented) > len(beneficiaries) / 4
    assert {"Lefèvre", "Müller", "Bénard"} & {p.last_name for p in beneficiaries}


def test_every_site_kind_role_and_listed_account(store):
    generate(store)
    with store.session() as session:
        sites = list(session.scalars(select(Site)))
        accounts = {s.login: s for s in session.scalars(select(Staff))}
    assert {s.kind for s in sites} == set(SiteKind)
    assert all(s.time_zone == "Europe/Paris" and s.postcode and s.phone for s in sites)
    assert all(validation.clean_phone(s.phone) == s.phone for s in sites)
    france_services = [s for s in sites if s.kind is SiteKind.FRANCE_SERVICES]
    assert len(france_services) >= 5
    assert len({s.sector for s in france_services}) >= 2
    assert {s.role for s in accounts.values()} == set(Role)
    listed = [f"conseiller{n:02d}" for n in range(1, 13)] + [
        "mediateur01", "mediateur02", "assistantmediation01", "responsable01",
        "partenaire01", "admin"]
    assert sorted(accounts) == sorted(listed)
    partner_site = next(s for s in sites if s.id == accounts["partenaire01"].site_id)
    assert partner_site.kind is SiteKind.FRANCE_SERVICES
    adviser_sites = {accounts[f"conseiller{n:02d}"].site_id for n in range(1, 13)}
    assert len(adviser_sites) >= 4


def test_generated_people_are_found_by_name_nir_and_phone(store):
    generate(store)
    with store.session() as session:
        adviser = accounts.load_actor(session, "conseiller01")
        person = session.scalars(
            select(Person).where(Person.kind == PersonKind.BENEFICIARY,
                                 Person.phone.is_not(None)).order_by(Person.id)
        ).first()
        queries = [person.last_name[:3], f"{person.first_name} {person.last_name}",
                   person.nir, validation.format_nir(person.nir)[:7],
                   validation.format_phone(person.phone), person.phone_digits[:6]]
        for query in queries:
            assert person.id in people_search.search_people(Unit(session, adviser), query), query
        rows = people_search.people_rows(Unit(session, adviser), [person.id])
        assert rows[0].masked_nir == validation.mask_nir(person.nir)


def test_refuses_a_database_with_data_and_writes_nothing(store):
    generate(store)

    def counts():
        with store.session() as session:
            return [session.scalar(select(func.count()).select_from(model))
                    for model in (Site, Staff, Person, AuditEvent)]

    before = counts()
    with pytest.raises(demo_context.DemoRefused) as refused:
        generate(store, seed=99)
    assert isinstance(refused.value, GuichetError)
    assert str(refused.value) == (
        "La base contient déjà des données : les données de démonstration ne s'ajoutent "
        "qu'à une base vide.")
    assert counts() == before


def test_refuses_a_database_with_only_accounts(store, actors):
    with pytest.raises(demo_context.DemoRefused):
        generate(store)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_summary_progress_and_audit_event(store):
    reports = []
    summary = generate(store, progress=lambda done, total, label: reports.append(
        (done, total, label)))
    assert (FEW, FEW, "Personnes…") in reports
    # Later steps (the agenda…) report their own labels after these.
    assert {"Sites…", "Comptes…", "Personnes…"} <= {label for _, _, label in reports}
    text = summary.describe()
    assert "300 personnes" in text and "10 sites" in text and "18 comptes" in text
    assert "12 conseillers" in text and "permanences France Services" in text
    with store.session() as session:
        events = list(session.scalars(select(AuditEvent)))
    # The database says it holds the demo (its sign-in dialog shows the demo password).
    assert sorted((e.action, e.entity_type, e.actor_id) for e in events) == [
        ("generate", "demo_data", None), ("update", "office_settings", None)]
    generated = next(e for e in events if e.action == "generate")
    assert generated.details["people"] == FEW and generated.details["seed"] == 7


def test_unknown_size_is_refused(store):
    with pytest.raises(demo_context.DemoRefused, match="Taille inconnue"):
        demo_generate.generate(store, size="huge")
