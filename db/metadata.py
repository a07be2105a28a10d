"""The complete schema: every area's mapped classes at once.

An area's models load with the first module that needs them (the first window imports only
the organisation's and the people's: cold-start budget). What needs every table at once —
the migrations, the demo data, the test fixtures — calls ``load_all()``.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from db.agenda import models as _agenda
from db.base import Base
from db.callbacks import models as _callbacks
from db.dashboard import models as _dashboard
from db.lifecycle import models as _lifecycle
from db.mediation import models as _mediation
from db.messages import models as _messages
from db.pathways import models as _pathways
from db.preparation import models as _preparation
from db.unit import audit as _audit

AREA_MODELS = (_audit, _agenda, _callbacks, _dashboard, _lifecycle, _mediation, _messages,
               _pathways, _preparation)


def load_all() -> MetaData:
    """Every table of the schema (the areas' models are imported with this module)."""
    return Base.metadata
