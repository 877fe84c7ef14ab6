"""The overview's chart: kilograms per month, by drug, as SVG drawn on the server (no
script), with a description and a table giving the same figures."""

import calendar
import math

from partners.publication import MG_PER_KG
from seizures.overview.figures import DRUG_COLOURS, DRUG_LABELS, Figures, format_kg

CHART_W, CHART_H = 420, 280
PLOT = {"left": 64, "right": 12, "top": 12, "bottom": 44}


def _nice_step(value: float) -> float:
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value)


def month_chart(figures: Figures) -> dict | None:
    """Stacked bars, one per month, the heaviest drug at the bottom; every shape carries a
    title, and the template gives the same figures as a table."""
    if not figures.months:
        return None
    order = [d["code"] for d in figures.drugs]
    peak = max(sum(by_drug.values()) for _, by_drug in figures.months) / MG_PER_KG
    step = _nice_step(max(peak, 1) / 4)
    top = step * math.ceil(max(peak, 1) / step)
    left, plot_w = PLOT["left"], CHART_W - PLOT["left"] - PLOT["right"]
    plot_h, base = CHART_H - PLOT["top"] - PLOT["bottom"], CHART_H - PLOT["bottom"]
    slot = plot_w / len(figures.months)
    bar_w = min(slot * 0.7, 48)
    every = math.ceil(len(figures.months) / 12)
    bars, ticks, labels = [], [], []
    for i, (month, by_drug) in enumerate(figures.months):
        x, y = left + i * slot + (slot - bar_w) / 2, base
        name = f"{calendar.month_name[month.month]} {month.year}"
        for code in order:
            mg = by_drug.get(code)
            if not mg:
                continue
            height = mg / MG_PER_KG / top * plot_h
            y -= height
            bars.append(
                {
                    "x": f"{x:.1f}",
                    "y": f"{y:.1f}",
                    "w": f"{bar_w:.1f}",
                    "h": f"{max(height, 0.5):.1f}",
                    "colour": DRUG_COLOURS.get(code, DRUG_COLOURS["other"]),
                    "title": f"{name}, {DRUG_LABELS.get(code, code).lower()}: {format_kg(mg)} kg",
                }
            )
        if i % every == 0:
            first_line = calendar.month_abbr[month.month]
            second = str(month.year) if i == 0 or month.month <= every else ""
            labels.append({"x": f"{left + (i + 0.5) * slot:.1f}", "month": first_line, "year": second})
    value = 0.0
    while value <= top + step / 2:
        y = base - value / top * plot_h
        ticks.append({"y": f"{y:.1f}", "label": f"{value:,.0f}" if step >= 1 else f"{value:,.2f}"})
        value += step
    rows = [
        {
            "month": month,
            "cells": [format_kg(by_drug[c]) if by_drug.get(c) else "–" for c in order],
            "total": format_kg(sum(by_drug.values())),
        }
        for month, by_drug in figures.months
    ]
    described = [
        f"{calendar.month_name[m.month]} {m.year}: "
        + ", ".join(f"{DRUG_LABELS.get(c, c).lower()} {format_kg(v)} kg" for c, v in by_drug.items() if v)
        for m, by_drug in figures.months
        if by_drug
    ]
    return {
        "width": CHART_W,
        "height": CHART_H,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "axis": {"x0": left, "x1": CHART_W - PLOT["right"], "y": base, "label_x": left - 8},
        "axis_title_x": 14,
        "axis_title_y": PLOT["top"] + plot_h / 2,
        "table_drugs": [DRUG_LABELS.get(c, c) for c in order],
        "table_rows": rows,
        "description": "; ".join(described[:24]) + ("; and more: see the table." if len(described) > 24 else "."),
    }
