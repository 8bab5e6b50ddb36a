"""mailer package."""
