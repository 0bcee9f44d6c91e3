import factory

from notifications.models import Device
from tests.factories import PatientFactory


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    patient = factory.SubFactory(PatientFactory)
    platform = Device.Platform.FCM
    token = factory.Sequence(lambda n: f"fcm-token-{n:06d}-abcdefghijklmnopqrstuvwxyz")
    name = "Pixel"
