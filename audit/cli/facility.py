"""`a11y-audit facility template|ingest`: field templates from the checklists, and uploads of filled ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audit.cli.common import EXIT_ERROR, catalog_from, fail, region_from, store_from


@click.group("facility")
def command() -> None:
    """Field checklists for facilities: generate templates, ingest filled ones."""


@command.command("template")
@click.argument("checklist_id")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "xlsform"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.pass_context
def template(ctx: click.Context, checklist_id: str, fmt: str, output: Path | None) -> None:
    """Write a template for CHECKLIST_ID: Excel with drop-downs, CSV, or an XLSForm for ODK/Kobo.

    \b
    Example:
        a11y-audit facility template accessible-toilets --format xlsx -o toilets.xlsx
        a11y-audit facility template curb-ramps --format xlsform -o curb-ramps-form.xlsx
    """
    from audit.facility.template import write_template

    catalog = catalog_from(ctx)
    checklist = catalog.checklists.get(checklist_id)
    if checklist is None or checklist.domain != "facility":
        known = ", ".join(sorted(c.id for c in catalog.domain("facility")))
        fail(f"没有设施清单 {checklist_id!r}，可用：{known}", f"no facility checklist {checklist_id!r}; known: {known}")
    suffix = {"xlsx": ".xlsx", "csv": ".csv", "xlsform": "-xlsform.xlsx"}[fmt]
    output = output or Path(f"{checklist_id}{suffix}")
    write_template(checklist, catalog.messages, fmt, output)
    click.echo(catalog.messages.t("facility.template.written", ctx.obj["lang"], path=output))


@command.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--checklist", "checklist_id", help="Checklist id (default: detected from the columns).")
@click.option(
    "--coords",
    type=click.Choice(["wgs84", "gcj02", "bd09"]),
    help="Coordinate system of the whole file (a coord_system column wins per row).",
)
@click.option("--partial", is_flag=True, help="Import the good rows of a file that has errors.")
@click.option(
    "--round",
    "round_label",
    help="Campaign period as a quarter, e.g. 2025q4 (default: the current quarter); the rows join that period's "
    "open campaign, or begin one. Any other text names a new campaign of the current quarter.",
)
@click.option(
    "--photos",
    "photo_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding the photos named in the files (default: each file's folder).",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of messages.")
@click.pass_context
def ingest_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    checklist_id: str | None,
    coords: str | None,
    partial: bool,
    round_label: str | None,
    photo_dir: Path | None,
    lang: str | None,
) -> None:
    """Validate and import filled checklists (CSV, XLSX, GeoJSON, ODK Central / KoboToolbox CSV exports).

    Every problem is listed with file, row and column. A file with errors is not imported
    (nothing of the upload is) unless --partial is given. Re-uploading a submission id updates it.

    \b
    Example:
        a11y-audit facility ingest samples/facility/round-2025q2/*.csv --round 2025q2
        a11y-audit facility ingest toilets.xlsx --coords gcj02 --photos ./photos
    """
    from audit.cli.progress import progress
    from audit.facility.ingest import IngestOptions
    from audit.facility.location import Region
    from audit.runs.facility import CampaignClosed, ingest, mark_duplicates, photo_store_for, read_files

    lang = lang or ctx.obj["lang"]
    catalog = catalog_from(ctx)
    messages = catalog.messages
    region = Region(province=region_from(ctx))  # points must lie in a county of the store's province
    options = IngestOptions(
        checklist_id=checklist_id, coords=coords, partial=partial, photo_dir=photo_dir, region=region
    )
    results = read_files(files, catalog, options)
    mark_duplicates(results)  # one facility in two files: an error in the later file, naming the first
    for result in results:
        for problem in result.problems:
            level = messages.t(f"facility.level.{problem.level}", lang)
            click.echo(f"[{level}] {problem.text(messages, lang)}", err=True)
        if result.errors and not result.rows:
            click.echo(
                messages.t("facility.summary.rejected", lang, file=result.file, errors=len(result.errors)), err=True
            )
        else:
            click.echo(
                messages.t(
                    "facility.summary.file",
                    lang,
                    file=result.file,
                    checklist=result.checklist,
                    rows=len(result.rows),
                    skipped=result.skipped_rows,
                    warnings=len(result.warnings),
                )
            )
    store = store_from(ctx)
    rows = sum(len(r.rows) for r in results)
    try:
        with progress(rows, messages.t("facility.progress.storing", lang)) as advance:
            report = ingest(store, catalog, results, round_label, photo_store_for(store), progress=advance)
    except CampaignClosed as exc:
        period = f"{exc.campaign.period_start} – {exc.campaign.period_end}"
        values = {"label": exc.campaign.label, "period": period}
        fail(
            messages.t("service.upload.campaign-closed", "zh", **values),
            messages.t("service.upload.campaign-closed", "en", **values),
        )
    finally:
        store.close()
    if not report.stored:
        click.echo(messages.t("facility.summary.nothing", lang), err=True)
        sys.exit(EXIT_ERROR)
    click.echo(
        messages.t(
            "facility.summary.stored",
            lang,
            round=report.round.id,
            label=report.round.label,
            subjects=report.subjects,
            findings=report.findings,
            scored=report.scored,
        )
    )
    if any(r.errors for r in results):
        sys.exit(EXIT_ERROR)
