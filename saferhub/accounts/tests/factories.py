import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.partnerships.tests.factories import UserFactory


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A person's authenticator app, set up and confirmed with a code, as the account page leaves it."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True
