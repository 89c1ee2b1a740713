"""The report as one self-contained, accessible HTML page (Jinja2, autoescaped, inline CSS and SVG, no script)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from audit.render.report.charts import Bar, Chart, bar_chart
from audit.render.report.content import Report

TEMPLATES = Path(__file__).parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def environment() -> Environment:
    """Autoescape everything: names of facilities and portals come from the field and the web."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _describe(report: Report, bars: list[Bar], fmt) -> str:
    tx = report.text
    items = [tx.t("report.chart.describe-item", category=b.label, before=fmt(b.before), now=fmt(b.now)) for b in bars]
    sep, end = ("；", "。") if report.lang == "zh" else ("; ", ". ")
    return (sep.join(items) + end if items else "") + tx.t("report.chart.describe-note")


def progress_charts(report: Report) -> list[Chart]:
    """Compliance rate and mean score per category, previous round against this one."""
    tx = report.text
    rows = [r for r in report.categories if r.scored or r.previous_subjects]
    series = (tx.t("report.chart.series-before"), tx.t("report.chart.series-now"))
    rate_bars = [Bar(tx.category(r.category), r.previous_rate, r.compliance_rate) for r in rows]
    mean_bars = [Bar(tx.category(r.category), r.previous_mean, r.mean_score) for r in rows]
    return [
        bar_chart(
            "chart-rate",
            tx.t("report.chart.rate-title"),
            _describe(report, rate_bars, tx.percent),
            rate_bars,
            1.0,
            tx.percent,
            series,
        ),
        bar_chart(
            "chart-mean",
            tx.t("report.chart.mean-title"),
            _describe(report, mean_bars, tx.number),
            mean_bars,
            100.0,
            tx.number,
            series,
        ),
    ]


def render_html(report: Report) -> str:
    template = environment().get_template("report.html.j2")
    return template.render(
        report=report,
        tx=report.text,
        html_lang=HTML_LANG.get(report.lang, report.lang),
        charts=progress_charts(report) if report.has_previous else [],
    )


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
