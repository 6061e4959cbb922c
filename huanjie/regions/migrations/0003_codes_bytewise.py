"""Region codes are compared byte by byte on PostgreSQL ("C"), not by the database's locale:
the code itself and every column that refers to a region (foreign keys, and those without a
database constraint, such as a registration's village), and a person's household number (the
second column of the people's (region, household) index).

Codes are ASCII digits, so order and equality are the same in any locale (a shorter code
before the longer ones it starts); household numbers are the same in C.UTF-8 databases. What
changes is speed: a comparison is a memcmp instead of strcoll, so sorting and building the
indexes on these columns is faster (the roll import's bulk path rebuilds two of them: at a
million rows, 0.75-0.8 s instead of 0.85-1.0 for the people's (region, household) index, 0.9 s
instead of 1.0 for the roll's (campaign, village, person); docs/voters.md), and
`code LIKE '6301%'` (a region's descendants) can read the plain index. SQLite compares bytes
already (BINARY).

As with people 0007: a later AlterField that changes one of these columns would put the
locale back, and a column added later that refers to a region starts with the locale (a join
with a "C" column still works; it only compares slower). Carry this over if either happens.
"""

from django.db import migrations


def columns(apps):
    """(table, column, SQL type) of the region code, of every column that holds one, and of the
    household number. `apps`: the migration's models, or the project's (the test holds the
    database to this list, so a column added later that refers to a region fails it)."""
    region = apps.get_model("regions", "Region")
    code = f"varchar({region._meta.get_field('code').max_length})"
    found = [(region._meta.db_table, "code", code)]
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is region:
                found.append((model._meta.db_table, field.column, code))
    person = apps.get_model("people", "Person")
    household = person._meta.get_field("household_no")
    found.append((person._meta.db_table, household.column, f"varchar({household.max_length})"))
    return found


def _collate(apps, schema_editor, collation):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, kind in columns(apps):
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} ALTER COLUMN "
            f'{schema_editor.quote_name(column)} TYPE {kind} COLLATE "{collation}"'
        )


def to_c(apps, schema_editor):
    _collate(apps, schema_editor, "C")


def to_default(apps, schema_editor):
    _collate(apps, schema_editor, "default")


class Migration(migrations.Migration):
    # After every app's tables that refer to a region.
    dependencies = [
        ("regions", "0002_region_kind_doubtful"),
        ("accounts", "0005_request_window"),
        ("audit", "0002_append_only"),
        ("people", "0007_id_hash_collation_c"),
        ("elections", "0006_rule_profiles"),
        ("voters", "0008_upload_job_status_effect"),
        ("party", "0002_partyrollimport"),
        ("nomination", "0003_nomineeimport"),
        ("committees", "0001_initial"),
        ("review", "0001_initial"),
        ("polls", "0001_initial"),
        ("results", "0001_initial"),
        ("rosters", "0004_village_summary"),
        ("progress", "0001_initial"),
        ("ledgers", "0001_initial"),
        ("oversight", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_c, to_default)]
