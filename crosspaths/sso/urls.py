"""URLs of single sign-on. The console pages are in the tenant isolation sweep's
registry (tests/test_isolation.py); allauth's protocol endpoints live under /sso/."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.socialaccount.providers.saml import views as saml_views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path

from crosspaths.request_numbers import whole_number

from . import views
from .models import IdentityProvider

app_name = "sso"
console_urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("domains/", views.domain_add, name="domain_add"),
    path("domains/<int:pk>/remove/", views.domain_remove, name="domain_remove"),
    path("try/", views.try_start, name="try"),
    path("try/result/", views.try_result, name="try_result"),
]
urlpatterns = [
    path("console/sso/", include(console_urlpatterns)),
    path("login/company/", views.company_sign_in, name="company_sign_in"),
]


def _configured(protocol: str, kwarg: str) -> Callable[..., Any]:
    """404 unless the key in the URL names an organization's identity provider of this
    protocol, so allauth never meets a provider it cannot find (which would be a 500)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = str(kwargs.get(kwarg, ""))
            pk = whole_number(key.removeprefix("org"))
            if not (
                pk is not None
                and IdentityProvider.objects.filter(organization_id=pk, protocol=protocol).exists()
            ):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


_oidc = _configured(IdentityProvider.Protocol.OIDC, "provider_id")
_saml = _configured(IdentityProvider.Protocol.SAML, "organization_slug")

# allauth's protocol endpoints, under their own names (allauth reverses them bare). Only
# the ones the flow needs: sign-in starts in our views (provider.redirect), so allauth's
# login pages are not mounted (SAML's single logout is, as its metadata names it).
protocol_urlpatterns = [
    re_path(
        r"^sso/oidc/(?P<provider_id>[^/]+)/login/callback/$",
        _oidc(oidc_views.callback),
        name="openid_connect_callback",
    ),
    re_path(
        r"^sso/saml/(?P<organization_slug>[^/]+)/acs/$", _saml(saml_views.acs), name="saml_acs"
    ),
    re_path(
        r"^sso/saml/(?P<organization_slug>[^/]+)/acs/finish/$",
        _saml(saml_views.finish_acs),
        name="saml_finish_acs",
    ),
    re_path(
        r"^sso/saml/(?P<organization_slug>[^/]+)/sls/$",
        _saml(saml_views.sls),
        name="saml_sls",
    ),
    re_path(
        r"^sso/saml/(?P<organization_slug>[^/]+)/metadata/$",
        _saml(saml_views.metadata),
        name="saml_metadata",
    ),
]
