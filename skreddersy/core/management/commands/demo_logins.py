"""Print the demo logins (all share the demo password)."""

from django.core.management.base import BaseCommand

from skreddersy.core.models import User
from skreddersy.core.seeding import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **kw):
        staff = (
            User.objects.filter(kind="staff", staff__isnull=False)
            .exclude(password__startswith="!")
            .select_related("staff")
            .prefetch_related("staff__roles", "staff__offices")
            .order_by("username")
        )
        clients = User.objects.filter(kind="client").exclude(password__startswith="!").order_by("username")
        if not staff and not clients:
            self.stdout.write("Ingen demo-innlogginger (kjør manage.py seed --scale demo).")
            return
        self.stdout.write(f"\nDemo-innlogginger (passord for alle: {DEMO_PASSWORD})")
        self.stdout.write("  Nav-ansatte  (http://127.0.0.1:8000/logg-inn/)")
        for u in staff:
            roles = ", ".join(r.get_role_display() for r in u.staff.roles.all())
            offices = ", ".join(o.name for o in u.staff.offices.all()) or "alle kontor (ingen personopplysninger)"
            side = "kommunal" if u.staff.employer == "municipal" else "statlig"  # decides which records they see
            self.stdout.write(f"    {u.username:<24} {roles:<28} {side:<9} {offices}")
        self.stdout.write("  Brukere (innbyggere)")
        for u in clients:
            self.stdout.write(f"    {u.username:<24} sin egen aktivitetsplan og dialog")
        self.stdout.write("")
