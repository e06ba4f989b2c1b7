"""Importers: files municipalities already have, mapped into the catalogue's sources."""
