"""Delete the plain-text tokens of DRF's ``authtoken`` app and drop its table.

API tokens are now django-rest-knox tokens stored as digests (``accounts.ApiToken``). The old
keys cannot be converted (a digest of a key that sat in plain text is no safer): people ask for
a new token (``POST /api/v1/auth/token/`` or the profile page). Irreversible by design.
"""

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DELETE FROM {schema_editor.quote_name('authtoken_token')}")
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('authtoken_token')}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens_role_requests_vouched_accounts")]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
