"""A real OpenID Connect provider for the sign-on tests: a small Django project of its own with
django-oauth-toolkit, run in a subprocess on loopback (`support.running_provider`). It stands in for
Microsoft Entra ID or the municipal broker: discovery, login form, code flow with PKCE, RS256 ID
tokens with a roles claim, JWKS and end-session. A control address lets a test change a person's
roles or make the provider issue a faulty token, the way a misconfigured or hostile one would.
"""
