"""What the registry tells the areas that follow it (``db.unit.events``): a person's phone or
e-mail was changed by hand. The pathways' « coordonnées à vérifier » subscribes; the registry
knows nothing of pathways."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactsChanged:
    person_id: uuid.UUID
