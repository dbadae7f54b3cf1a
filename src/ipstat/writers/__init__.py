"""Output files: each written whole to a temporary file, then renamed into place."""
