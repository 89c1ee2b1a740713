"""The web auditor: crawl portals, run axe-core in Chromium, turn results into findings."""
