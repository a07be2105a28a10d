"""accounts sign in with a password; on PostgreSQL each account is a login role and the
database itself keeps each role to what it may read

Revision ID: 0009_accounts
Revises: 0008_seeded_ids

On every engine: the staff row gets its password hash (embedded database only), the
sign-in bookkeeping (failures, lock, last sign-in) and a partner's France Services sector;
``office_settings`` holds the idle time before a workstation locks and whether the database
holds the demo.

On PostgreSQL (run as the database's owner: a role with CREATEROLE, not a superuser):
- group roles, global to the server and reused by a second Guichet database:
  ``guichet_staff`` (every account), ``guichet_adviser``, ``guichet_mediation``,
  ``guichet_manager``, ``guichet_partner``, ``guichet_admin``, and ``guichet_signin``, a
  login role without password and without any table, which only records a failed sign-in;
- grants per group role, column privileges keeping the NIR from partners;
- row-level security, enabled and forced: mediation files for the mediation team only, a
  partner's appointments, call-backs and workshops those of their sector's sites (and no
  outcome recorded by them), mediation entries of the audit trail for the mediation team;
  the owner (and the ``SECURITY DEFINER`` functions it owns) is « the system »;
- the audit row's actor is the connected role, whatever the client says;
- ``SECURITY DEFINER`` functions: counts of the mediation cases for the dashboard, whether
  a person has a case, the sign-in bookkeeping, and the management of the login roles by
  administrators (Guichet's group roles only).
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_accounts"
down_revision = "0008_seeded_ids"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")  # as 0003 and 0008

GROUPS = {  # Guichet role → group role
    "adviser": "guichet_adviser",
    "mediator": "guichet_mediation",
    "mediation_assistant": "guichet_mediation",
    "manager": "guichet_manager",
    "partner": "guichet_partner",
    "admin": "guichet_admin",
}
STAFF, ADVISER, MEDIATION = "guichet_staff", "guichet_adviser", "guichet_mediation"
MANAGER, PARTNER, ADMIN, SIGNIN = ("guichet_manager", "guichet_partner", "guichet_admin",
                                   "guichet_signin")
BOOKING = (ADVISER, PARTNER, MANAGER, ADMIN)
READ, WRITE = "SELECT", "SELECT, INSERT, UPDATE"

# Every table, and who may do what with it (staff and person have column privileges below).
GRANTS: dict[str, dict[str, str]] = {
    "alembic_version": {STAFF: READ},
    "office_settings": {STAFF: READ, ADMIN: WRITE},
    "site": {STAFF: READ, ADMIN: WRITE},
    "audit_event": {STAFF: "SELECT, INSERT"},
    "motive": {STAFF: READ, ADMIN: WRITE},
    "opening_hours": {STAFF: READ, MANAGER: WRITE, ADMIN: WRITE},
    "closed_day": {STAFF: READ, MANAGER: WRITE, ADMIN: WRITE},
    "availability": {STAFF: READ, MANAGER: WRITE, ADMIN: WRITE},
    "absence": {STAFF: READ, MANAGER: WRITE, ADMIN: WRITE},
    "workshop_session": dict.fromkeys(BOOKING, WRITE),
    "appointment": dict.fromkeys(BOOKING, WRITE),
    "adviser_busy": dict.fromkeys(BOOKING, READ),
    "waiting_list_entry": dict.fromkeys(BOOKING, WRITE),
    "callback_request": dict.fromkeys(BOOKING, WRITE),
    "preparation_settings": {ADVISER: READ, MANAGER: READ, PARTNER: READ, ADMIN: WRITE},
    # A partner's booking of a physical appointment opens its preparation (and a
    # cancellation closes it): the partner writes the task of their sector's appointments.
    "preparation_task": dict.fromkeys(BOOKING, WRITE),
    "preparation_attempt": {ADVISER: WRITE, MANAGER: WRITE, ADMIN: WRITE},
    "pathway_kind": {STAFF: READ, ADMIN: WRITE},
    "pathway_import": {ADVISER: WRITE, MANAGER: WRITE, ADMIN: WRITE},
    "pathway_entry": {ADVISER: WRITE, MANAGER: WRITE, ADMIN: WRITE},
    "pathway_attempt": {ADVISER: WRITE, MANAGER: WRITE, ADMIN: WRITE},
    "offer_segment": {STAFF: READ, ADMIN: WRITE},
    "rebound_offer": {STAFF: READ, ADMIN: WRITE},
    "person_offer": {STAFF: READ, ADVISER: WRITE, MANAGER: WRITE, ADMIN: WRITE},
    "mediation_motive": {STAFF: READ, ADMIN: WRITE},
    "mediation_settings": {STAFF: READ, ADMIN: WRITE},
    "mediation_letter_template": {STAFF: READ, ADMIN: WRITE},
    "mediation_case": {STAFF: READ, MEDIATION: WRITE},
    "mediation_wait": {STAFF: READ, MEDIATION: WRITE},
    "mediation_document": {STAFF: READ, MEDIATION: WRITE},
    "mediation_event": {STAFF: READ, MEDIATION: WRITE},
    "mediation_counter": {STAFF: READ, MEDIATION: WRITE},
}
MEDIATION_TABLES = ("mediation_case", "mediation_wait", "mediation_document",
                    "mediation_event", "mediation_counter")
SECTOR_TABLES = ("appointment", "callback_request", "workshop_session")
# Sub-selects: evaluated once per query, not once per row.
_SYSTEM = "(SELECT guichet_is_system())"
_MEDIATION = "(SELECT guichet_is_mediation())"
_NOT_PARTNER = "NOT (SELECT guichet_is_partner())"
_IN_SECTOR = "site_id IN (SELECT guichet_partner_sites())"

FUNCTIONS = [
    # « The system » is the role owning the tables: a batch job run as the owner, and the
    # SECURITY DEFINER functions it owns (current_user is then the owner). Not « any role
    # without an account »: an account may SET ROLE to its group role, which has none.
    """CREATE FUNCTION guichet_is_system() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
        FROM pg_class WHERE oid = 'public.staff'::regclass $$""",
    """CREATE FUNCTION guichet_is_mediation() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(current_user, 'guichet_mediation', 'MEMBER') $$""",
    """CREATE FUNCTION guichet_is_partner() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(current_user, 'guichet_partner', 'MEMBER') $$""",
    """CREATE FUNCTION guichet_partner_sites() RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
        SELECT site.id FROM site JOIN staff ON staff.login = current_user
        WHERE staff.sector <> '' AND site.sector = staff.sector $$""",
    # The audit row's actor is the connected account (session_user: SET ROLE changes
    # nothing), whatever the client wrote; a job connected as the owner names its actor.
    """CREATE FUNCTION guichet_audit_actor() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE account uuid;
        BEGIN
            SELECT id INTO account FROM staff WHERE login = session_user;
            IF account IS NOT NULL THEN
                NEW.actor_id := account;
            ELSIF session_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class
                                   WHERE oid = 'public.staff'::regclass) THEN
                NEW.actor_id := NULL;
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER audit_event_actor BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION guichet_audit_actor()""",
    # What another role may know of mediation: a yes or no, and counts.
    """CREATE FUNCTION guichet_person_has_case(person uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT EXISTS (SELECT 1 FROM mediation_case
                       WHERE person_id = person AND deleted_at IS NULL) $$""",
    # The dashboard's mediation figures are computed from these (db.dashboard.mediation).
    """CREATE FUNCTION guichet_case_counts()
        RETURNS TABLE (received_on date, closed_on date, handled_on date, is_open boolean,
                       status text, outcome text, cases bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT received_on, closed_on, handled_on, is_open, status::text, outcome::text,
               count(*)
        FROM mediation_case WHERE deleted_at IS NULL
        GROUP BY received_on, closed_on, handled_on, is_open, status, outcome $$""",
    # Signing in: a success (called by the account itself), a wait, a failure (called by
    # guichet_signin, which has no other right).
    """CREATE FUNCTION guichet_signed_in() RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE who uuid;
        BEGIN
            SELECT id INTO who FROM staff WHERE login = session_user AND deleted_at IS NULL;
            IF who IS NULL THEN RETURN; END IF;
            UPDATE staff SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = now()
            WHERE id = who;
            INSERT INTO audit_event (id, occurred_at, actor_id, action, entity_type,
                                     entity_id, details)
            VALUES (gen_random_uuid(), now(), who, 'sign_in', 'staff', who, '{}');
        END $$""",
    """CREATE FUNCTION guichet_password_changed() RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        UPDATE staff SET must_change_password = false WHERE login = session_user $$""",
    """CREATE FUNCTION guichet_sign_in_wait(account text) RETURNS integer
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT coalesce(greatest(0, ceil(extract(epoch FROM locked_until - now())))::integer,
                        0)
        FROM staff WHERE login = lower(account) AND deleted_at IS NULL
        UNION ALL SELECT 0 LIMIT 1 $$""",
    """CREATE FUNCTION guichet_sign_in_failed(account text) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE who uuid; failures integer; pause integer;
        BEGIN
            UPDATE staff SET failed_sign_ins = failed_sign_ins + 1
            WHERE login = lower(account) AND deleted_at IS NULL
            RETURNING id, failed_sign_ins INTO who, failures;
            IF who IS NULL THEN RETURN 0; END IF;
            pause := CASE WHEN failures < 5 THEN 0
                          ELSE least(900, 30 * power(2, failures - 5))::integer END;
            UPDATE staff SET locked_until = now() + make_interval(secs => pause)
            WHERE id = who;
            INSERT INTO audit_event (id, occurred_at, actor_id, action, entity_type,
                                     entity_id, details)
            VALUES (gen_random_uuid(), now(), NULL, 'sign_in_failed', 'staff', who,
                    json_build_object('failures', failures));
            RETURN pause;
        END $$""",
    # An administrator manages the login roles of Guichet's accounts, and only those: the
    # account must exist, the role must be no superuser, and only Guichet's groups are given.
    """CREATE FUNCTION guichet_set_login(account text, verifier text, grp text,
                                         enabled boolean) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE other text;
        BEGIN
            IF account !~ '^[a-z][a-z0-9._-]{1,63}$'
               OR NOT EXISTS (SELECT 1 FROM staff WHERE login = account) THEN
                RAISE EXCEPTION 'not a Guichet account: %', account;
            END IF;
            IF grp NOT IN ('guichet_adviser', 'guichet_mediation', 'guichet_manager',
                           'guichet_partner', 'guichet_admin') THEN
                RAISE EXCEPTION 'not a Guichet group: %', grp;
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = account
                       AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication
                            OR rolbypassrls))
               OR EXISTS (SELECT 1 FROM pg_auth_members m
                          JOIN pg_roles member ON member.oid = m.member
                          JOIN pg_roles grp ON grp.oid = m.roleid
                          WHERE member.rolname = account
                            AND grp.rolname NOT IN ('guichet_adviser', 'guichet_mediation',
                                                    'guichet_manager', 'guichet_partner',
                                                    'guichet_admin')) THEN
                RAISE EXCEPTION 'role % is not an ordinary account', account;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = account) THEN
                EXECUTE format('CREATE ROLE %I', account);
            END IF;
            IF verifier IS NOT NULL THEN
                IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                    RAISE EXCEPTION 'a SCRAM verifier is expected, never a password';
                END IF;
                EXECUTE format('ALTER ROLE %I PASSWORD %L', account, verifier);
            END IF;
            FOREACH other IN ARRAY ARRAY['guichet_adviser', 'guichet_mediation',
                                         'guichet_manager', 'guichet_partner',
                                         'guichet_admin'] LOOP
                IF other <> grp THEN
                    EXECUTE format('REVOKE %I FROM %I', other, account);
                END IF;
            END LOOP;
            EXECUTE format('GRANT %I TO %I', grp, account);
            EXECUTE format('ALTER ROLE %I %s', account,
                           CASE WHEN enabled THEN 'LOGIN' ELSE 'NOLOGIN' END);
        END $$""",
]
FUNCTION_NAMES = ("guichet_is_system()", "guichet_is_mediation()", "guichet_is_partner()",
                  "guichet_partner_sites()", "guichet_audit_actor()",
                  "guichet_person_has_case(uuid)", "guichet_case_counts()",
                  "guichet_signed_in()", "guichet_password_changed()",
                  "guichet_sign_in_wait(text)",
                  "guichet_sign_in_failed(text)",
                  "guichet_set_login(text, text, text, boolean)")
EXECUTE = {
    "guichet_is_system()": STAFF, "guichet_is_mediation()": STAFF,
    "guichet_is_partner()": STAFF, "guichet_partner_sites()": STAFF,
    "guichet_person_has_case(uuid)": STAFF, "guichet_case_counts()": STAFF,
    "guichet_signed_in()": STAFF, "guichet_password_changed()": STAFF,
    "guichet_sign_in_wait(text)": SIGNIN,
    "guichet_sign_in_failed(text)": SIGNIN,
    "guichet_set_login(text, text, text, boolean)": ADMIN,
}


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table: rows of other tables point at it).
    for column in (
        sa.Column("sector", sa.String(length=120), server_default="", nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("staff", column)
    settings = op.create_table(
        "office_settings",
        sa.Column("lock_after_minutes", sa.Integer(), server_default="10", nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("lock_after_minutes BETWEEN 1 AND 120",
                           name=op.f("ck_office_settings_lock")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_settings")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":  # naive UTC there (db.base.UTCDateTime)
        now = now.replace(tzinfo=None)
    op.bulk_insert(settings, [{
        "id": uuid.uuid5(NAMESPACE, "office_settings"), "created_at": now, "updated_at": now,
        "version": 1, "lock_after_minutes": 10, "demo": False}])
    if op.get_bind().dialect.name == "postgresql":
        _secure_the_server()


def _secure_the_server() -> None:
    op.execute(f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{STAFF}') THEN
            CREATE ROLE {STAFF} NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{SIGNIN}') THEN
            CREATE ROLE {SIGNIN} LOGIN;
        END IF;
    END $$""")
    for group in sorted(set(GROUPS.values())):
        op.execute(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN
                CREATE ROLE {group} NOLOGIN;
            END IF;
        END $$""")
        op.execute(f"GRANT {STAFF} TO {group}")
    database = op.get_bind().exec_driver_sql("SELECT current_database()").scalar()
    op.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {STAFF}, {SIGNIN}')
    op.execute(f"GRANT USAGE ON SCHEMA public TO {STAFF}, {SIGNIN}")
    for table, grants in GRANTS.items():
        for group, privileges in grants.items():
            op.execute(f"GRANT {privileges} ON {table} TO {group}")
    # The staff table without the embedded password hash; a person's without the NIR for
    # partners (they book and leave call-backs for people; they never read a NIR).
    staff_columns = [c for c in _columns("staff") if c != "password_hash"]
    op.execute(f"GRANT SELECT ({', '.join(staff_columns)}) ON staff TO {STAFF}")
    op.execute(f"GRANT INSERT, UPDATE ON staff TO {ADMIN}")
    op.execute(f"GRANT {WRITE} ON person TO {ADVISER}, {MEDIATION}, {ADMIN}")
    op.execute(f"GRANT SELECT ON person TO {MANAGER}")
    without_nir = ", ".join(c for c in _columns("person") if c not in ("nir", "search_vector"))
    op.execute(f"GRANT SELECT ({without_nir}, search_vector), INSERT ({without_nir}), "
               f"UPDATE ({without_nir}) ON person TO {PARTNER}")
    for statement in FUNCTIONS:
        op.execute(statement)
    for function in FUNCTION_NAMES:
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    for function, role in EXECUTE.items():
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")
    # The busy time is the database's own bookkeeping: its triggers write it for whoever books.
    for table in ("appointment", "workshop_session"):
        op.execute(f"ALTER FUNCTION {table}_adviser_busy() SECURITY DEFINER "
                   "SET search_path = public")
    for table in MEDIATION_TABLES:
        _protect(table, f"{_SYSTEM} OR {_MEDIATION}")
    _protect("appointment", f"{_SYSTEM} OR {_NOT_PARTNER} OR {_IN_SECTOR}",
             check=f"{_SYSTEM} OR {_NOT_PARTNER} OR ({_IN_SECTOR} "
                   "AND status NOT IN ('honoured', 'no_show'))")
    for table in ("callback_request", "workshop_session"):
        _protect(table, f"{_SYSTEM} OR {_NOT_PARTNER} OR {_IN_SECTOR}")
    _protect("waiting_list_entry", f"{_SYSTEM} OR {_NOT_PARTNER} OR "
             "workshop_session_id IN (SELECT id FROM workshop_session)")
    _protect("preparation_task", f"{_SYSTEM} OR {_NOT_PARTNER} OR "
             "appointment_id IN (SELECT id FROM appointment)")
    _protect("audit_event",
             f"{_SYSTEM} OR entity_type NOT LIKE 'mediation%' OR {_MEDIATION}",
             check="true")


def _columns(table: str) -> list[str]:
    return list(op.get_bind().exec_driver_sql(
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
    ).scalars())


def _protect(table: str, using: str, check: str | None = None) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY guichet_scope ON {table} USING ({using}) "
               f"WITH CHECK ({check or using})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*MEDIATION_TABLES, *SECTOR_TABLES, "waiting_list_entry",
                      "preparation_task", "audit_event"):
            op.execute(f"DROP POLICY guichet_scope ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table in ("appointment", "workshop_session"):
            op.execute(f"ALTER FUNCTION {table}_adviser_busy() SECURITY INVOKER")
        op.execute("DROP TRIGGER audit_event_actor ON audit_event")
        for function in reversed(FUNCTION_NAMES):
            op.execute(f"DROP FUNCTION {function}")
        # Grants on the tables go with the database; the group roles stay (other databases
        # of the server may use them).
        for table in ("person", "staff", *GRANTS):
            op.execute(f"REVOKE ALL ON {table} FROM {', '.join(sorted({*GROUPS.values(), STAFF}))}")
    op.drop_table("office_settings")
    for column in ("last_sign_in_at", "locked_until", "failed_sign_ins",
                   "must_change_password", "password_hash", "sector"):
        op.drop_column("staff", column)
