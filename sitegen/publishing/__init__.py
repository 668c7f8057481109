"""Edition files and write: feeds, cards, search, the one-file and PDF editions, the mirror, the output folder."""
