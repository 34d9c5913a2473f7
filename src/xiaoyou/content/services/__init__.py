"""Writes of content: albums (albums.py), photos (photos.py), zip import and export (archives.py)."""
