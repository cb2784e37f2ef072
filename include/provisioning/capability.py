"""What a provisioning capability is: typed parameters, names, cost, risk, dependencies, templates.

A capability is a class in `include/provisioning/capabilities/` decorated with
`@register_capability`, plus a folder of templates `include/terraform/<name>/*.<target>.tf.j2`.
Nothing else changes to add one: the registry discovers it, the conversation asks its
questions, and the DAG gets a task group for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from include.provisioning.azure_facts import ENVIRONMENTS, REGIONS, Environment
from include.provisioning.cost import CostEstimate
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import RESOURCE_GROUP, NameRule, suggest
from include.terraform.render import template_dir

Risk = Literal["low", "medium", "high"]
_TEAM = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$")


class PlanContext(BaseModel):
    """Facts shared by every capability of one plan."""

    model_config = ConfigDict(extra="forbid")

    team: str
    environment: Environment
    region: str
    resource_group: str
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("team")
    @classmethod
    def _team(cls, value: str) -> str:
        if not _TEAM.match(value):
            raise ValueError(f"team {value!r} must be 2-32 lower-case letters, digits or '-'")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError(f"region {value!r} is not supported; use one of: {', '.join(REGIONS)}")
        return value

    @field_validator("resource_group")
    @classmethod
    def _rg(cls, value: str) -> str:
        return RESOURCE_GROUP.check(value)

    def all_tags(self) -> dict[str, str]:
        return {"team": self.team, "environment": self.environment, "managed-by": "lakepilot", **self.tags}


class ModelledResource(BaseModel):
    """One cloud resource as the templates declare it: type, Terraform name, attributes.

    The sandbox target turns each into a `terraform_data.<type>__<name>` whose `input` is the
    attributes; the azure target declares the real resource with the same values.
    """

    type: str
    name: str
    attributes: dict[str, Any]


class Question(BaseModel):
    """Something the conversation must ask; `key` is how `--answers FILE` answers it."""

    key: str
    text: str
    default: str | None = None


class Capability:
    """Base class of capabilities; subclasses set the class variables and override the hooks."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[BaseModel]]
    risk: ClassVar[Risk] = "medium"
    depends_on: ClassVar[tuple[str, ...]] = ()
    keywords: ClassVar[tuple[str, ...]] = ()
    # params field -> naming rule; filled by convention unless the user overrides the name
    name_fields: ClassVar[dict[str, NameRule]] = {}

    def template_dir(self) -> Path:
        return template_dir(self.name)

    # -- conversation hooks --------------------------------------------------------------------
    def draft(self, current: dict[str, Any], facts: RequestFacts) -> dict[str, Any]:
        """Merge what `facts` say into the draft parameters (names excluded); return the new draft."""
        return dict(current)

    def questions(self, draft: dict[str, Any]) -> list[Question]:
        """What must still be asked before the draft can become parameters."""
        return []

    def answer_facts(self, key: str, text: str) -> RequestFacts | None:
        """Read a plain answer to one of this capability's questions (None: parse it generally)."""
        return None

    def refusals(self, draft: dict[str, Any]) -> list[str]:
        """Policy refusals the draft already runs into (told as soon as the offending fact is known)."""
        return []

    # -- plan hooks ----------------------------------------------------------------------------
    def build(self, draft: dict[str, Any], ctx: PlanContext, names: dict[str, str]) -> BaseModel:
        """Validated parameters from the draft, conventional names and name overrides."""
        values = dict(draft)
        for field, rule in self.name_fields.items():
            values[field] = names.get(f"{self.name}.{field}") or suggest(rule, ctx.team, ctx.environment, ctx.region)
        return self.Params.model_validate(values)

    def validate_params(self, params: dict[str, Any], ctx: PlanContext) -> BaseModel:
        """Validate parameters as found in a plan (names included) in the plan's context."""
        model = self.Params.model_validate(params)
        for field, rule in self.name_fields.items():
            rule.check(getattr(model, field))
        self.check_context(model, ctx)
        return model

    def check_context(self, params: Any, ctx: PlanContext) -> None:
        """Cross-checks between parameters and the plan context (e.g. region availability)."""

    def estimate(self, params: Any, ctx: PlanContext) -> CostEstimate:
        return CostEstimate()

    def sensitive(self, params: Any) -> list[str]:
        """Why applying these parameters is security-sensitive (empty: it is not)."""
        return []

    def resources(self, params: Any, ctx: PlanContext) -> list[ModelledResource]:
        """The cloud resources these parameters declare (the sandbox models exactly these)."""
        raise NotImplementedError

    def template_context(self, params: Any, ctx: PlanContext) -> dict[str, Any]:
        """Values the templates see: `params`, `ctx`, `tags`, `resources` (by name) and extras."""
        resources = self.resources(params, ctx)
        return {
            "params": params.model_dump(mode="json"),
            "ctx": ctx.model_dump(mode="json"),
            "tags": ctx.all_tags(),
            "resources": resources,
            "res": {r.name: r for r in resources},
        }

    def describe(self, params: Any) -> list[str]:
        """Short lines for the conversation's summary."""
        return []


def environment_of(text: str) -> Environment | None:
    from include.provisioning.azure_facts import ENVIRONMENT_WORDS

    word = text.strip().lower()
    return ENVIRONMENT_WORDS.get(word) or (word if word in ENVIRONMENTS else None)
