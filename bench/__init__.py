"""Hearth's discussion benchmark: seed a large community, serve it, load it, print a table.

See bench/README.md. Nothing here is imported by the app or its tests."""
