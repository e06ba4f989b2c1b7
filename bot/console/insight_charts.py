"""The charts of the editors' insights page, drawn from an insights report (bot.insights)."""
from __future__ import annotations

from bot.console.labels import label


def insight_charts(report) -> dict:
    from bot.insights import charts
    return {
        "unanswered": charts.week_bars(
            "chart-unanswered", "Vragen zonder antwoord per week", report.weeks,
            {lang: [a + b for a, b in zip(report.series(report.unanswered, "not_understood")[lang],
                                          report.series(report.unanswered, "thumbs_down")[lang])]
             for lang in report.languages},
            "Aantal berichten dat de assistent niet begreep, plus duimpjes omlaag, per week en per taal."),
        "products": charts.horizontal_bars(
            "chart-products", "Meest gevraagde producten",
            [(row["product"], row["questions"]) for row in report.top_products],
            "Aantal vragen per product in de gekozen periode."),
        "containment": charts.week_bars(
            "chart-containment", "Gesprekken zonder medewerker (containment) per week", report.weeks,
            report.series(report.containment, "", ratio_of=("contained", "conversations")),
            "Aandeel gesprekken dat zonder medewerker is afgerond, per week en per taal.", percent=True),
        "conversations": charts.week_bars(
            "chart-conversations", "Gesprekken per week", report.weeks,
            report.series(report.containment, "conversations"),
            "Aantal gesprekken per week en per taal."),
        "reasons": charts.horizontal_bars(
            "chart-reasons", "Redenen voor een medewerker",
            _reason_items(report.handovers), "Aantal overdrachten naar een medewerker per reden."),
        "satisfaction": charts.week_bars(
            "chart-satisfaction", "Gemiddelde tevredenheid (1-5) per week", report.weeks,
            _average_series(report), "Gemiddeld cijfer na een gesprek met een medewerker, per week en per taal.",
            maximum=5),
    }


def _reason_items(rows: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        name = label("reasons", row["reason"])
        counts[name] = counts.get(name, 0) + row["count"]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _average_series(report) -> dict[str, list[float]]:
    result = {}
    for language in report.languages:
        values = []
        for week in report.weeks:
            rows = [r for r in report.satisfaction if r["week"] == week and r["language"] == language and r["scores"]]
            count = sum(r["scores"] for r in rows)
            values.append(sum(r["average"] * r["scores"] for r in rows) / count if count else 0)
        result[language] = values
    return result
