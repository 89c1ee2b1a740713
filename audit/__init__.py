"""a11y-audit: accessibility audits of government portals and physical facilities."""

__version__ = "0.1.0"
