"""Pseudonymised exports: columns described once (from the instruments' codebooks), rows built
from one streamed query, and a zip with CSV, datapackage.json, an SPSS file and a README.

The service entry point is `app.services.exports.start_export`; this package holds the parts.
"""
