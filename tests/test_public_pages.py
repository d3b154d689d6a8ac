"""The privacy notice and the accessibility statement are public and linked from every page."""

import pytest


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/privatliv/", "Behandling af personoplysninger"), ("/tilgaengelighed/", "Tilgængelighedserklæring")],
)
def test_it_works_without_login(client, db, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="h2">{heading}</h1>' in response.content.decode()


@pytest.mark.parametrize("url", ["/privatliv/", "/tilgaengelighed/"])
def test_it_rejects_post(client, db, url):
    assert client.post(url).status_code == 405


def test_every_page_links_to_both_in_its_footer(client, leader):
    client.force_login(leader)
    page = client.get("/").content.decode()
    assert 'href="/privatliv/"' in page
    assert 'href="/tilgaengelighed/"' in page
