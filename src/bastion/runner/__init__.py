"""Hosts the agent loop: gives it its ports and saves each turn."""
