"""Notifications: e-mail messages, sending them over SMTP, and a local loopback SMTP sink."""
