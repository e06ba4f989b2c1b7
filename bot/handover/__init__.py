"""Handing a conversation over to contact-centre staff: when, to whom, and how it is kept."""
