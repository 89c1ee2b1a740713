"""`a11y-audit web`: placeholder until the web auditor is built."""

from audit.cli.common import not_built

command = not_built("web", "web auditor")
