"""The facility auditor: ingest field checklists and turn measurements into findings."""
