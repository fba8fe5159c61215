"""Who is signed in, and how they got there.

Local accounts (national ID or iqama, a Saudi mobile proved by an SMS code, an argon2
password), the national single sign-on behind one `IdentityProvider` interface (an OIDC
client, or a development stand-in with test personas), and the claims the wizard
prefills from (`claims.identity_claims`). Nothing here decides who may open which page:
that is `khidma.web.access`, one table for every view.
"""
