"""The runtime: settings, database and catalogue, created once at start-up and passed down."""

from __future__ import annotations

from dataclasses import dataclass

from weerbaar.core import pseudonyms
from weerbaar.core.catalogue import Catalogue, load_catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database


@dataclass
class Runtime:
    settings: Settings
    db: Database
    catalogue: Catalogue

    @classmethod
    def start(cls, settings: Settings | None = None) -> Runtime:
        """Validate the catalogue (fail fast, in Dutch) and migrate the database."""
        settings = settings or Settings.from_env()
        catalogue = load_catalogue(settings.catalogue_dir)
        pseudonyms.configure_key(settings.log_key())
        db = Database(settings.database_url)
        db.ensure_schema()
        return cls(settings, db, catalogue)
