"""The returns still with their leads (draft or returned) get the deadline the workflow engine now starts
when a return is opened or returned: the round's due date, owed by the priority's lead."""

from django.db import migrations

RETURN_DUE = "return due"  # performance.workflows.RETURN_DUE, as it was when this ran


def start_return_deadlines(apps, schema_editor):
    QuarterlyReturn = apps.get_model("performance", "QuarterlyReturn")
    ReturnStep = apps.get_model("performance", "ReturnStep")
    Deadline = apps.get_model("workflow", "Deadline")
    ContentType = apps.get_model("contenttypes", "ContentType")
    returns = QuarterlyReturn.objects.filter(status__in=["draft", "returned"]).select_related(
        "reporting_round", "priority"
    )
    if not returns.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="performance", model="quarterlyreturn")
    deadlines = []
    for quarterly_return in returns:
        # Started by the return's latest step: its opening, or its return to the lead.
        latest = (
            ReturnStep.objects.filter(quarterly_return=quarterly_return).order_by("created_at", "id").last()
        )
        deadlines.append(
            Deadline(
                target_type=content_type,
                target_id=quarterly_return.pk,
                partnership_id=quarterly_return.reporting_round.partnership_id,
                assignee_id=quarterly_return.priority.lead_user_id,
                name=RETURN_DUE,
                due_on=quarterly_return.reporting_round.due_on,
                started_at=latest.created_at if latest else quarterly_return.created_at,
            )
        )
    Deadline.objects.bulk_create(deadlines)


def remove_return_deadlines(apps, schema_editor):
    Deadline = apps.get_model("workflow", "Deadline")
    Deadline.objects.filter(
        target_type__app_label="performance", target_type__model="quarterlyreturn", name=RETURN_DUE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("performance", "0001_initial"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(start_return_deadlines, remove_return_deadlines)]
