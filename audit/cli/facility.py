"""`a11y-audit facility`: placeholder until the facility auditor is built."""

from audit.cli.common import not_built

command = not_built("facility", "facility auditor")
