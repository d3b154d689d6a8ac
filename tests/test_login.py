"""Logging in, in Danish."""


def test_login_page_is_danish_and_labels_its_fields(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="da">' in page
    assert "Log ind" in page
    assert 'for="id_username"' in page and 'for="id_password"' in page


def test_wrong_password_gets_a_danish_message(client, leader):
    response = client.post("/accounts/login/", {"username": "leder", "password": "forkert"})
    assert response.status_code == 200
    assert "Indtast venligst korrekt brugernavn og adgangskode" in response.content.decode()


def test_login_lands_on_the_overview(client, leader):
    response = client.post("/accounts/login/", {"username": "leder", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_needs_post_and_returns_to_login(client, leader):
    client.force_login(leader)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
