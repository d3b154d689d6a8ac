def test_it_answers_without_login_after_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_it_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405
