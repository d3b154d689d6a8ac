"""The JSON API under /api/v1/: thin views over `networks.services`, `rules` and `selectors`.

Nothing here decides who may do what or whether data is valid: selectors answer "may this user
see it" (404 otherwise), services answer "may this user change it, and is the change allowed"
(403 / 409), and the models' `full_clean()` answers "is the data valid" (400). The API parses
JSON, calls them, and turns their answers into HTTP.
"""
