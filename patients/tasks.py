from celery import shared_task
from django.utils import timezone
from knox.models import get_token_model


@shared_task
def purge_expired_tokens() -> int:
    """Delete device tokens whose idle period has run out (they already answer 401)."""
    deleted, _ = get_token_model().objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
