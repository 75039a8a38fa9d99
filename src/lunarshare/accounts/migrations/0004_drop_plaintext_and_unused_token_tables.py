"""Delete the plain-text tokens of DRF's ``authtoken`` app and drop its table.

API tokens are now django-rest-knox tokens stored as digests (``accounts.ApiToken``). The old
keys cannot be converted (a digest of a key that sat in plain text is no safer): people ask for
a new token (``POST /api/v1/auth/token/`` or the profile page). Irreversible by design.

knox's own migrations always create ``knox_authtoken`` even though ``KNOX_TOKEN_MODEL`` swaps
its model for ``accounts.ApiToken``; that empty table is dropped too (its foreign key to the
users would otherwise block deleting users and flushing test databases on PostgreSQL). When
upgrading django-rest-knox, check that its new migrations do not touch ``AuthToken``.
"""

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    tables = schema_editor.connection.introspection.table_names()
    for table in ("authtoken_token", "knox_authtoken"):
        if table in tables:
            schema_editor.execute(f"DELETE FROM {schema_editor.quote_name(table)}")
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens_role_requests_vouched_accounts"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
