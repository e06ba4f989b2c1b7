import pytest

from bot.handover.privacy import redact

PERSONAL = {
    "BSN": ["123456782", "1234.56.782", "123 456 782"],
    "PHONE": ["06-12345678", "06 1234 5678", "+31 6 1234 5678", "0031612345678", "020-1234567", "+32 470 12 34 56"],
    "EMAIL": ["jan.jansen@example.nl", "a+b@sub.example.co.uk"],
    "IBAN": ["NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", "BE68 5390 0754 7034"],
}


@pytest.mark.parametrize("kind, value", [(k, v) for k, values in PERSONAL.items() for v in values])
def test_personal_data_is_redacted(kind, value):
    redacted = redact(f"mijn gegevens: {value}, graag snel")
    assert value not in redacted
    assert f"[{kind}]" in redacted or "[" in redacted


@pytest.mark.parametrize("text", ["een paspoort kost € 84,70", "het duurt 5 werkdagen", "bel 14 0123",
                                  "openingstijden 08:30 - 17:00", "grofvuil ophalen op 12 maart"])
def test_ordinary_numbers_stay(text):
    assert redact(text) == text
