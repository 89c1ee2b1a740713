"""The upload service: inspectors upload field checklists, viewers read scores, maps and reports."""

from audit.service.config import ServiceConfig

__all__ = ["ServiceConfig", "create_app"]


def create_app(config: ServiceConfig, catalog=None):
    """The WSGI application (Flask), imported lazily so `audit.service.config` stays light."""
    from audit.service.app import create_app as build

    return build(config, catalog)
