"""Pseudonymised exports: columns described once (from the instruments' codebooks), rows built
from one streamed query, and a zip with CSV, datapackage.json, a codebook (HTML and Markdown), a
README and, for the wide layout, an SPSS file.

The service entry point is `app.services.exports.start_export`; this package holds the parts.
"""
