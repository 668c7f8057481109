"""Validate: every file checked, errors and warnings collected with file and line."""
