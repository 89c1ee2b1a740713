"""`python -m audit` runs the command-line interface."""

from audit.cli import cli

if __name__ == "__main__":
    cli()
