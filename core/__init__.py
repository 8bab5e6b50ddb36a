"""The bottom floor: knowledge and configuration every other package shares.

Nothing here imports another package of the project. ``settings`` is the runtime configuration,
``vocab`` the Förderdatenbank category vocabularies (codes, German labels, the codes a member kind
may apply under), ``eu_glossary`` the German names of EU programmes, action types and municipal
signals, ``labels`` the one table that turns every state, reason, kind and source key into German.
Spiders, matcher, mailer and web all read these; none keeps a copy.
"""
