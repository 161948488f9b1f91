"""Widgets: each owns its look (DEFAULT_CSS) and posts messages up; no business rules."""
