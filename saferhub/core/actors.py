"""Who is asking: a signed-in person or an anonymous visitor. The system itself is `None`."""

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    # django-stubs expands `_AnyUser` to settings.AUTH_USER_MODEL or AnonymousUser, so a service sees the
    # project's User (its permissions, its name) without the layers below accounts importing accounts.
    from django.contrib.auth.models import _AnyUser

    Actor: TypeAlias = _AnyUser  # noqa: UP040 (a `type` alias is not a runtime union)
else:
    Actor = AbstractBaseUser | AnonymousUser
