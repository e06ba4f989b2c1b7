"""The product catalogue: sources in knowledge/, built into SQLite, searched by CatalogueRepository."""
