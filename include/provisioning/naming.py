"""Naming convention: `<prefix>-<team>-<env>-<region short>`, fitted to each Azure resource's rules.

Example: team `ml-team`, env `prod`, region `eastus` → resource group `rg-ml-team-prod-eus`,
workspace `dbw-ml-team-prod-eus`. Users can override any suggested name; an override is checked
against the same rule the suggestion follows.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from include.provisioning.azure_facts import REGIONS


class NameRule(BaseModel):
    """What one kind of resource name looks like."""

    prefix: str
    max_len: int
    pattern: str
    label: str
    aliases: tuple[str, ...] = ()
    joiner: str = "-"

    def check(self, value: str) -> str:
        if len(value) > self.max_len or not re.fullmatch(self.pattern, value):
            raise ValueError(
                f"{self.label} name {value!r} is not valid: at most {self.max_len} characters matching {self.pattern}"
            )
        return value


def slug(text: str) -> str:
    """Lower-case letters, digits and single hyphens."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def suggest(rule: NameRule, team: str, environment: str, region: str) -> str:
    """The conventional name for `rule` (shortened to fit, never ending in a separator)."""
    short = REGIONS[region][1] if region in REGIONS else slug(region)
    parts = [rule.prefix, slug(team), environment, short]
    name = rule.joiner.join(p for p in parts if p)
    if rule.joiner == "":
        name = name.replace("-", "")
    return name[: rule.max_len].rstrip("-_.")


RESOURCE_GROUP = NameRule(
    prefix="rg", max_len=90, pattern=r"[A-Za-z0-9._()-]*[A-Za-z0-9_()-]", label="resource group",
    aliases=("resource group", "resource-group", "rg"),
)
