"""Sample identifiers sort and compare by code point on every database.

Identifiers are ASCII codes (``10084,123``, ``CE5C0400``) whose order is their byte order. On
PostgreSQL a linguistic collation (``en_US.UTF-8``) would ignore punctuation when sorting and
would stop an identifier prefix from being a plain index range; ``COLLATE "C"`` makes the prefix
``p`` exactly the range ``p <= identifier < p'``, which the ``(status, identifier)``,
``(mission, identifier)`` … indexes can serve together with their first column. SQLite already
compares text as bytes (``BINARY``).
"""

from django.db import migrations


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE catalog_sample ALTER COLUMN identifier TYPE varchar(64) COLLATE "C"')


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE catalog_sample ALTER COLUMN identifier TYPE varchar(64) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_description_trigram_index")]

    operations = [migrations.RunPython(to_c, to_default, elidable=False)]
