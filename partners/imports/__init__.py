"""Data imports (CONTRACT.md §1): ``python manage.py import_data KIND FILE [--dry-run]`` and the admin page.

Both call ``partners.imports.services.data_file_import``. See ``docs/imports.md`` for the file rules.
"""
