"""The placeholder text `build.py new` writes into a new article, which the build refuses to publish.

Apart from checking/likely_mistakes.py, which finds an article still holding it, so that the
command line has it without loading the checks (issue 29: a warm build's imports).
"""

PLACEHOLDER_SUMMARY = "One or two sentences that say what this article tells the reader."
PLACEHOLDER_BODY = """\
Write the article here, in Markdown, and cite the source of every fact by its id in
content/sources.yaml. EDITING.md shows how to write headings, links, citations and charts.
"""
