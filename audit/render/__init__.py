"""Outputs that read the store: maps, reports and CI formats."""
