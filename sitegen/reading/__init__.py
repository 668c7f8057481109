"""Load: the editor's files read safely, with their lines."""
