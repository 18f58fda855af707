"""Every model module, imported so that Alembic sees the whole schema. Add new ``models_*.py`` modules here."""

import importlib
import pkgutil
from pathlib import Path

from bmt.persistence.models import Base

for _mod in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _mod.name.startswith("models_"):
        importlib.import_module(f"bmt.persistence.{_mod.name}")

__all__ = ["Base"]
