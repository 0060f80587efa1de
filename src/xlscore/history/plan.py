"""The follow-up plan: whom each owner should contact in the next N days, overdue first.

A customer is due when it has a tier with Follow-up days and its Next follow-up (Last
contact + days, from the final tier, overrides included) falls on or before today + N.
A tiered customer with no Last contact has never been followed up: it is due now and
listed first. Rows are grouped by owner (blank owner last), then by due date, then by
tier order and Customer ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from xlscore.history.names import PLAN, Lang, name
from xlscore.model import Model
from xlscore.overrides import customer_key
from xlscore.workbook.report import excel_serial
from xlscore.workbook.sheetdata import CellValue, Column, FreeCell, OutputSheet, OutputTable

__all__ = ["STATUS", "FollowUpPlan", "follow_up_plan", "owners", "plan_sheet"]

# Status words per language: never contacted, overdue, due within the window.
STATUS: dict[str, tuple[str, str]] = {
    "never": ("no contact yet", "尚未联系"),
    "overdue": ("overdue", "逾期"),
    "due": ("due", "待跟进"),
}
PLAN_COLUMNS = ("Owner", "Customer ID", "Customer", "Tier", "Policy", "Next follow-up", "Days", "Status",
                "Last contact")


@dataclass(frozen=True)
class FollowUpPlan:
    rows: pd.DataFrame  # PLAN_COLUMNS; Status holds the keys of STATUS
    today: date
    days: int
    owner: str | None

    @property
    def until(self) -> date:
        return self.today + timedelta(days=self.days)


def owner_key(owner: object, fold: bool = True) -> str:
    """An Owner cell as text for matching ("" for a blank cell)."""
    text = "" if owner is None or (isinstance(owner, float) and owner != owner) else str(owner).strip()
    return text.casefold() if fold else text


def owners(result: pd.DataFrame) -> list[str]:
    """Owner names, each once (first spelling; case and spaces do not matter), sorted."""
    seen: dict[str, str] = {}
    for owner in result["Owner"]:
        text = owner_key(owner, fold=False)
        if text:
            seen.setdefault(text.casefold(), text)
    return sorted(seen.values(), key=str.casefold)


def follow_up_plan(model: Model, result: pd.DataFrame, last_contact: pd.Series, today: date, days: int,
                   owner: str | None = None) -> FollowUpPlan:
    """Customers due by ``today + days`` (all owners, or the one named, case-insensitive)."""
    tiers = {t.name: (k, t.follow_up_days) for k, t in enumerate(model.tiers)}
    tier_info = [tiers.get(t) if isinstance(t, str) else None for t in result["Tier"]]
    has_cadence = np.array([info is not None and info[1] is not None for info in tier_info], dtype=bool)
    due = result["Next follow-up"].to_numpy(dtype="datetime64[ns]")
    contact = last_contact.reindex(result.index).to_numpy(dtype="datetime64[ns]")
    never = has_cadence & np.isnat(contact)
    limit = np.datetime64(today + timedelta(days=days), "ns")
    selected = never | (has_cadence & ~np.isnat(due) & (due <= limit))
    if owner is not None:
        wanted = owner.strip().casefold()
        selected &= np.array([owner_key(o) == wanted for o in result["Owner"]], dtype=bool)
    pick = result[selected]
    due_days = ((due[selected] - np.datetime64(today, "ns")) / np.timedelta64(1, "D"))
    status = np.where(never[selected], "never", np.where(due_days < 0, "overdue", "due"))
    rows = pd.DataFrame({
        "Owner": pick["Owner"].to_numpy(dtype=object),
        "Customer ID": pick["Customer ID"].to_numpy(dtype=object),
        "Customer": pick["Customer"].to_numpy(dtype=object),
        "Tier": pick["Tier"].to_numpy(dtype=object),
        "Policy": pick["Policy"].to_numpy(dtype=object),
        "Next follow-up": due[selected],
        "Days": due_days,
        "Status": status.astype(object),
        "Last contact": contact[selected],
    })
    order_keys = pd.DataFrame({
        "owner_blank": [not owner_key(o) for o in rows["Owner"]],
        "owner": [owner_key(o) for o in rows["Owner"]],
        "never": ~never[selected],  # never contacted first
        "due": np.where(np.isnat(due[selected]), np.datetime64("1900-01-01", "ns"), due[selected]),
        "tier": [tiers[t][0] for t in rows["Tier"]],
        "id": [customer_key(c) for c in rows["Customer ID"]],
    })
    order = order_keys.sort_values(list(order_keys.columns), kind="stable").index
    return FollowUpPlan(rows.loc[order].reset_index(drop=True), today, days, owner)


def _caption(plan: FollowUpPlan, lang: Lang) -> tuple[str, str]:
    rows = plan.rows
    n_owners = len({owner_key(o) for o in rows["Owner"]} - {""})
    overdue = int((rows["Status"] == "overdue").sum())
    never = int((rows["Status"] == "never").sum())
    who = f" ({plan.owner})" if plan.owner else ""
    if lang == "zh":
        return (f"跟进计划{who}：{plan.today.isoformat()} 至 {plan.until.isoformat()}",
                f"共 {len(rows)} 项跟进，{n_owners} 位负责人；逾期 {overdue} 项，尚未联系 {never} 项。")
    return (f"Follow-up plan{who}: {plan.today.isoformat()} to {plan.until.isoformat()} ({plan.days} days)",
            f"{len(rows)} follow-ups for {n_owners} owners: {overdue} overdue, {never} never contacted. "
            "Days < 0 = days overdue.")


def plan_sheet(plan: FollowUpPlan, lang: Lang) -> OutputSheet:
    rows = plan.rows
    status_words = {key: words[0 if lang == "en" else 1] for key, words in STATUS.items()}

    def values(col: str) -> list[CellValue]:
        listed: list[CellValue] = rows[col].to_numpy(dtype=object).tolist()
        return listed

    keys = {"Owner": "owner", "Customer ID": "customer_id", "Customer": "customer", "Tier": "tier",
            "Policy": "policy"}
    columns = [Column(name(key, lang), values(col), width=36 if col == "Policy" else None)
               for col, key in keys.items()]
    columns += [
        Column(name("next_follow_up", lang), excel_serial(rows["Next follow-up"].to_numpy()).tolist(), "date",
               width=14),
        Column(name("days", lang), rows["Days"].tolist(), "integer", width=8),
        Column(name("status", lang), [status_words[s] for s in rows["Status"]], width=16),
        Column(name("last_contact", lang), excel_serial(rows["Last contact"].to_numpy()).tolist(), "date",
               width=14),
    ]
    title, caption = _caption(plan, lang)
    table = OutputTable(PLAN.table, columns, row=4, col=1)
    return OutputSheet(PLAN.sheet(lang), tables=[table], cells=[FreeCell(1, 1, title, bold=True),
                                                                FreeCell(2, 1, caption)], freeze_row=5)
