"""City-creation progress reports (HTML, PDF, XLSX) for the province, a city or a county, read from the store."""

from audit.render.report.build import build_report
from audit.render.report.content import Report
from audit.render.report.html import render_html, write_html
from audit.render.report.selection import RoundNotFound, RoundPair, select_rounds
from audit.render.report.xlsx import neutralise, write_xlsx

__all__ = ["build_report", "Report", "render_html", "write_html", "RoundNotFound", "RoundPair", "select_rounds",
           "neutralise", "write_xlsx"]
