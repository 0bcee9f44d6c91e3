"""Sign-in by email address, for the API's login and the admin alike."""

from django.contrib.auth.backends import ModelBackend

from patients.models import User
from patients.session_user import session_user


class EmailBackend(ModelBackend):
    """Django's ModelBackend, finding the user by the active account of an address.

    `User.email` is unique among active accounts only (inactive rows may repeat an
    address; see patients.models.User), so the user is looked up as the active row
    of that address; an unknown address still costs one password hash, so the
    answer takes as long either way.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if email is None or password is None:
            return None
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user, loaded once per request with their clinic membership
        and whether they have an authenticator: the second-factor gate and every
        console page read both (see patients.session_user)."""
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
