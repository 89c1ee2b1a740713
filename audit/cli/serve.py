"""`a11y-audit serve`: placeholder until the upload service is built."""

from audit.cli.common import not_built

command = not_built("serve", "upload service")
