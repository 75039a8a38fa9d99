"""Word search in descriptions (``description__icontains``) on PostgreSQL: a trigram GIN index
on ``UPPER(description)``, the expression Django's ``icontains`` compares.

Also drops ``sample_identifier_pattern_idx`` (migration 0003): Django already gives the unique
``identifier`` column a ``varchar_pattern_ops`` index on PostgreSQL, so it was a duplicate that
only slowed inserts.

It needs the ``pg_trgm`` extension. Where the database role may not create it, the index is
skipped (searching still works, by a sequential scan) rather than failing the migration.
"""

from django.db import migrations, transaction


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS sample_identifier_pattern_idx")
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS sample_description_trgm_idx "
                "ON catalog_sample USING gin (UPPER(description::text) gin_trgm_ops)"
            )
    except Exception:  # no permission to create the extension: search falls back to a scan
        pass


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS sample_description_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_mission_type_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
