"""Bounce handling: delivery status notifications from a Maildir folder, and suppression rules.

Modules: ``parse`` (DSN messages -> failures), ``suppress`` (BounceEvent rows and recipient
status), ``process`` (read the folder, mark each message handled).
"""
