"""Legal-review rules created from the Wolf Amendment preset stored an English label and reason;
they now store ``{"preset": "wolf_amendment"}`` so every page names them in its own language."""

from django.db import migrations

WOLF_PARAMS = {"countries": ["US"], "funders": ["NASA"]}


def to_presets(apps, schema_editor):
    ComplianceRule = apps.get_model("programs", "ComplianceRule")
    for rule in ComplianceRule.objects.filter(type="legal_review"):
        params = dict(rule.params or {})
        same_scope = {k: params.get(k) for k in WOLF_PARAMS} == WOLF_PARAMS
        if same_scope and "Wolf Amendment" in (params.get("reason", "") + rule.label):
            params.pop("reason", None)
            params["preset"] = "wolf_amendment"
            rule.params, rule.label = params, ""
            rule.save(update_fields=["params", "label"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_round_timezone")]
    operations = [migrations.RunPython(to_presets, migrations.RunPython.noop)]
