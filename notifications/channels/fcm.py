"""Firebase Cloud Messaging, HTTP v1 API, through firebase-admin."""

import threading

from django.conf import settings

from notifications.channels.base import Channel, DeliveryError, Message, Recipient

_app_lock = threading.Lock()
_APP_NAME = "hep-reminders"


def _firebase_app():
    import firebase_admin
    from firebase_admin import credentials

    with _app_lock:
        try:
            return firebase_admin.get_app(_APP_NAME)
        except ValueError:
            cred = credentials.Certificate(settings.FCM_CREDENTIALS_FILE)
            return firebase_admin.initialize_app(cred, name=_APP_NAME)


class FcmChannel(Channel):
    name = "fcm"

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.FCM_CREDENTIALS_FILE)

    def send(self, message: Message, recipient: Recipient) -> str:
        from firebase_admin import exceptions, messaging

        # firebase-admin 7 names the app instance's identifier `fid` (`token` is deprecated).
        fcm_message = messaging.Message(
            fid=recipient.address,
            notification=messaging.Notification(title=message.title, body=message.body),
            data=dict(message.data),
            # A repeat of the same reminder replaces the stored or shown one, never stacks.
            android=messaging.AndroidConfig(
                collapse_key=message.key or "daily-reminder",
                priority="normal",
                notification=messaging.AndroidNotification(tag=message.key or None),
            ),
        )
        try:
            return messaging.send(fcm_message, app=_firebase_app())
        except (messaging.UnregisteredError, messaging.SenderIdMismatchError) as exc:
            raise DeliveryError(f"FCM: token no longer valid ({exc})", permanent=True) from exc
        except (exceptions.NotFoundError, exceptions.InvalidArgumentError) as exc:
            # NOT_FOUND / INVALID_ARGUMENT for a single-token send mean the token is bad.
            raise DeliveryError(f"FCM: {exc.code}: {exc}", permanent=True) from exc
        except exceptions.FirebaseError as exc:
            # UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED (429), deadlines, auth hiccups.
            raise DeliveryError(f"FCM: {exc.code}: {exc}", permanent=False) from exc
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"FCM: {type(exc).__name__}: {exc}", permanent=False) from exc
