from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from patients.models import Clinic, Clinician
from patients.services.clinicians import clinician_create


class Command(BaseCommand):
    help = "Create a clinician (a staff user who can use the admin) in a clinic, creating the clinic if missing."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="Clinic name; created if missing.")
        parser.add_argument("--email", required=True, help="Login email address.")
        parser.add_argument("--password", required=True, help="Login password.")
        parser.add_argument(
            "--role",
            default=Clinician.Role.CLINICIAN,
            help=f"One of: {', '.join(Clinician.Role.values)} (default: clinician).",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/London.")

    def handle(self, *args, **options):
        clinic_name = options["clinic"].strip()
        try:
            clinic_is_new = not Clinic.objects.filter(name__iexact=clinic_name).exists()
            clinician = clinician_create(
                clinic_name=clinic_name,
                email=options["email"],
                password=options["password"],
                role=options["role"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                timezone=options["timezone"],
            )
        except ValidationError as exc:
            problems = "".join(
                f"\n  {field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"No clinician created:{problems}") from exc
        except DatabaseError as exc:
            raise CommandError(
                f"No clinician created: database error ({exc}). Has `migrate` been run?"
            ) from exc
        state = "new clinic" if clinic_is_new else "existing clinic"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {clinician.role} {clinician.user.email} in clinic "
                f"'{clinician.clinic.name}' ({state})"
            )
        )
