"""A site's conformance report: HTML for reading (autoescaped file templates) and JSON-LD in the form W3C's WCAG-EM
Report Tool exports (EARL assertions per success criterion, one part per sampled page), from the plain data of
audit.runs.conformance.evaluation()."""

from audit.render.conformance.html import report_fragment, report_page
from audit.render.conformance.jsonld import SCHEMA, to_jsonld

__all__ = ["SCHEMA", "report_fragment", "report_page", "to_jsonld"]
