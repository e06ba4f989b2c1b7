"""Reports about public space ("meldingen openbare ruimte"), taken in the chat.

A citizen says what is wrong and where; the assistant finds the category, checks the place,
stores the report and passes it on. This package holds what the report conversation needs that
is not the conversation itself:
- `categories`: the municipality's category tree (Signalen's by default, in knowledge/reports/)
  and the classifier that finds a category from the citizen's description.
- `danger`: signs of immediate danger, answered with the emergency number before anything else.
- `addresses`: the municipality's addresses (a BAG extract, or the embedded fictional list) and
  finding a place in the citizen's words; `python -m bot.reports import-addresses` reads an extract.
"""
