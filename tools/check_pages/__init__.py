"""`make check-pages`: Lighthouse and the Nu HTML checker on the demo's pages (see run.py)."""
