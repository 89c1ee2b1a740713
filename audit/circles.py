"""Barrier-free tourism service circles: coverage of required accessible facilities, and its gaps."""
