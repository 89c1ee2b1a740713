"""The upload service for inspectors and the HTTP API."""
