"""Administrative areas (GB/T 2260) of Hunan with boundaries, and point-to-county lookup."""
