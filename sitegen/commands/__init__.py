"""The editor's commands: the command line, the dev server, translations, the link watch, the catalogue."""
