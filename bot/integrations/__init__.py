"""Outside systems: everything the assistant reaches over the network and does not run itself.

Why a home of their own: the assistant is about to pass reports on to Signalen, look addresses up
at PDOK and book at JCC or Qmatic. Each such call can be slow, down or refused, and each failure
must reach the citizen as a response with the phone number, never as silence. So every outside
system gets one module here with one client class, built from an `Endpoint` (bot.settings: URL,
token, timeout) and calling through `bot.integrations.http.HttpClient`, which turns every failure
into `Unavailable` (down, slow, a server error: try again later) or `Refused` (the system said no).
Actions catch those and answer with `actions.shared.tell_outside_system_failed`. Deliveries that
write (a report) go through an outbox first and are retried from there, never twice.

- `http`: the HTTP client every outside system uses, and its errors.
- `rasa`: the Rasa server's HTTP API as the consoles use it (taking over a conversation).
"""
