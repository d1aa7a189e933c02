from django.test import RequestFactory, override_settings

from saferhub.core.client_ip import client_ip


def _request(forwarded: str = "", remote: str = "10.0.0.9"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@override_settings(SAFERHUB_TRUSTED_PROXY_COUNT=0)
def test_without_proxies_a_forged_forwarded_header_is_ignored():
    assert client_ip(_request("203.0.113.7")) == "10.0.0.9"


@override_settings(SAFERHUB_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_the_client():
    # The client forged the first entry; the proxy appended the address it really saw.
    assert client_ip(_request("6.6.6.6, 198.51.100.4")) == "198.51.100.4"


@override_settings(SAFERHUB_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_is_the_client():
    assert client_ip(_request("6.6.6.6, 198.51.100.4, 10.1.1.1")) == "198.51.100.4"


@override_settings(SAFERHUB_TRUSTED_PROXY_COUNT=2)
def test_too_short_a_chain_falls_back_to_the_socket_address():
    assert client_ip(_request("198.51.100.4")) == "10.0.0.9"
