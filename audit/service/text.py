"""User-facing text of the service: keys of checklists/messages/service.yaml, all under `service.`."""

from __future__ import annotations

from audit.catalog import Catalog

PREFIX = "service."


def t(catalog: Catalog, key: str, lang: str, **values: object) -> str:
    return catalog.messages.t(PREFIX + key, lang, **values)
