"""Render: pages through Markdown, charts and Jinja, on every core."""
