"""City-creation progress reports (HTML, PDF, XLSX) for the province, a city or a county, read from the store."""

from audit.render.report.build import build_report
from audit.render.report.content import Report
from audit.render.report.html import render_html, write_html
from audit.render.report.selection import RoundNotFound, RoundPair, select_rounds
from audit.render.report.xlsx import neutralise, write_xlsx

__all__ = [
    "Report",
    "RoundNotFound",
    "RoundPair",
    "build_report",
    "neutralise",
    "render_html",
    "select_rounds",
    "write_html",
    "write_xlsx",
]
