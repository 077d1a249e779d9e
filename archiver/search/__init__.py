"""Full-text search over every archived article version (SQLite FTS5 under the output root)."""

from archiver.search.index import SearchIndex, index_path
from archiver.search.query import Hit, QueryError, SearchFilters, search

__all__ = ["Hit", "QueryError", "SearchFilters", "SearchIndex", "index_path", "search"]
