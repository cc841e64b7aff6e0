"""Sign everybody out once: sessions from before one-membership-per-session may have
been opened through another organization's roster row (issue 11's takeover)."""

from django.db import migrations


def sign_everyone_out(apps, schema_editor):
    try:
        Session = apps.get_model("sessions", "Session")
    except LookupError:  # sessions kept elsewhere (cache, signed cookies)
        return
    Session.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_keepintouch_signintoken"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(sign_everyone_out, migrations.RunPython.noop)]
