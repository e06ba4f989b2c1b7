"""Web consoles for contact-centre staff (and, sharing the login, content editors)."""
