"""Turning live traffic (plain fetches and browser renders) into archived exchanges."""
