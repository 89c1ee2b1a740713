"""`a11y-audit report`: placeholder until the progress reports is built."""

from audit.cli.common import not_built

command = not_built("report", "progress reports")
