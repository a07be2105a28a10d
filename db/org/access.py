"""Who is acting, and what each role may do. Checked by every service function."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from db.errors import PermissionDenied
from db.roles import Role


class Permission(enum.Enum):
    VIEW_PEOPLE = "voir les personnes"
    EDIT_PEOPLE = "créer une personne ou modifier son identité"
    EDIT_CONTACT = "modifier les coordonnées d'une personne"
    VIEW_NIR = "voir le NIR en clair"
    BOOK_APPOINTMENTS = "prendre un rendez-vous"
    PREPARE_APPOINTMENTS = "préparer les rendez-vous"
    TAKE_CALLBACKS = "enregistrer une demande de rappel"
    WORK_PATHWAYS = "travailler les parcours"
    MEDIATION = "consulter les dossiers de médiation"
    DASHBOARD = "consulter le tableau de bord"
    PLAN_AGENDA = "planifier les horaires et les créneaux"
    ADMINISTER = "administrer Guichet"
    READ_JOURNAL = "consulter le journal"


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADVISER: frozenset({
        Permission.VIEW_PEOPLE, Permission.EDIT_PEOPLE, Permission.EDIT_CONTACT,
        Permission.VIEW_NIR,
        Permission.BOOK_APPOINTMENTS, Permission.PREPARE_APPOINTMENTS,
        Permission.TAKE_CALLBACKS, Permission.WORK_PATHWAYS,
    }),
    Role.MEDIATOR: frozenset({
        Permission.VIEW_PEOPLE, Permission.EDIT_PEOPLE, Permission.EDIT_CONTACT,
        Permission.VIEW_NIR,
        Permission.MEDIATION, Permission.DASHBOARD, Permission.READ_JOURNAL,
    }),
    Role.MEDIATION_ASSISTANT: frozenset({
        Permission.VIEW_PEOPLE, Permission.EDIT_PEOPLE, Permission.EDIT_CONTACT,
        Permission.VIEW_NIR,
        Permission.MEDIATION,
    }),
    Role.MANAGER: frozenset({
        Permission.VIEW_PEOPLE, Permission.VIEW_NIR, Permission.BOOK_APPOINTMENTS,
        Permission.PREPARE_APPOINTMENTS, Permission.TAKE_CALLBACKS, Permission.WORK_PATHWAYS,
        Permission.DASHBOARD, Permission.PLAN_AGENDA,
    }),
    # A France Services agent books for a person, updates how to reach them and leaves
    # call-backs; the registry's identities (and NIRs) are the CPAM's.
    Role.PARTNER: frozenset({
        Permission.VIEW_PEOPLE, Permission.EDIT_CONTACT, Permission.BOOK_APPOINTMENTS,
        Permission.TAKE_CALLBACKS,
    }),
    Role.ADMIN: _ALL - {Permission.MEDIATION},
}

# On a PostgreSQL server each account is a login role, member of its role's group role
# (migration 0009 creates them and gives each its rights).
SERVER_GROUPS: dict[Role, str] = {
    Role.ADVISER: "guichet_adviser",
    Role.MEDIATOR: "guichet_mediation",
    Role.MEDIATION_ASSISTANT: "guichet_mediation",
    Role.MANAGER: "guichet_manager",
    Role.PARTNER: "guichet_partner",
    Role.ADMIN: "guichet_admin",
}

ROLE_LABELS: dict[Role, str] = {
    Role.ADVISER: "Conseiller",
    Role.MEDIATOR: "Médiateur",
    Role.MEDIATION_ASSISTANT: "Assistant de médiation",
    Role.MANAGER: "Responsable",
    Role.PARTNER: "Agent France Services",
    Role.ADMIN: "Administrateur",
}


@dataclass(frozen=True)
class Actor:
    """The signed-in account, as the services see it."""

    id: uuid.UUID
    login: str
    display_name: str
    role: Role
    site_id: uuid.UUID | None = None
    # A France Services agent's sector: they see and book the sites of that sector only.
    sector: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def sector_scope(self) -> str | None:
        """The France Services sector whose sites alone a partner sees (db.unit), None for
        every other role."""
        return self.sector if self.role is Role.PARTNER else None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            of = "d'" if permission.value[0] in "aeiouéè" else "de "
            raise PermissionDenied(
                f"Votre rôle ({self.role_label}) ne permet pas {of}{permission.value}."
            )
