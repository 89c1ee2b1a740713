"""The bundled demonstration: sample portals on loopback and sample field submissions, end to end."""
