"""Guichet's Qt-free core: models, migrations, the store and the domain services."""
