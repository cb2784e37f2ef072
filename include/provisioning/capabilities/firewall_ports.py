"""Firewall ports: a network security group and its rules (ports, protocol, sources, destination).

Opening an administrative port (SSH, RDP, WinRM, database ports…) to the whole internet is refused
unless the plan carries an explicit override with a reason; rules may carry an expiry date.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from include.provisioning.capability import Capability, ModelledResource, PlanContext, Question
from include.provisioning.cost import CostEstimate
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import NameRule
from include.provisioning.registry import register_capability

ADMIN_PORTS: dict[int, str] = {
    21: "FTP", 22: "SSH", 23: "Telnet", 135: "RPC", 139: "NetBIOS", 445: "SMB", 1433: "SQL Server",
    1521: "Oracle", 2375: "Docker API", 2376: "Docker API (TLS)", 3306: "MySQL", 3389: "RDP",
    5432: "PostgreSQL", 5984: "CouchDB", 5985: "WinRM", 5986: "WinRM (TLS)", 6379: "Redis",
    6443: "Kubernetes API", 9042: "Cassandra", 9200: "Elasticsearch", 10250: "Kubelet",
    11211: "Memcached", 27017: "MongoDB",
}
PUBLIC_SOURCES = {"*", "internet", "any", "0.0.0.0/0", "::/0", "0.0.0.0"}  # noqa: S104 - data, not a bind
SERVICE_TAGS = {"*": "*", "any": "*", "internet": "Internet", "virtualnetwork": "VirtualNetwork",
                "azureloadbalancer": "AzureLoadBalancer", "azurecloud": "AzureCloud"}
_PORT = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_RULE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def port_range(spec: str) -> tuple[int, int]:
    """'443' → (443, 443); '8000-8100' → (8000, 8100); '*' → (1, 65535)."""
    if spec == "*":
        return 1, 65535
    m = _PORT.match(spec.strip())
    if not m:
        raise ValueError(f"port {spec!r} must be a number, a range like 8000-8100, or '*'")
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1 <= lo <= hi <= 65535:
        raise ValueError(f"port {spec!r} is outside 1-65535 or reversed")
    return lo, hi


def normalise_source(value: str) -> str:
    """A CIDR (bare addresses get /32 or /128) or a known service tag, normalised."""
    text = value.strip()
    tag = SERVICE_TAGS.get(text.lower())
    if tag:
        return tag
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"source {value!r} is neither a CIDR nor a service tag "
                         f"({', '.join(sorted(set(SERVICE_TAGS.values())))})") from None


def is_public(source: str) -> bool:
    """Open to the whole internet: `*`, `Internet`, `0.0.0.0/0`, or any non-private network wider than /8."""
    if source.lower() in PUBLIC_SOURCES:
        return True
    try:
        net = ipaddress.ip_network(source, strict=False)
    except ValueError:
        return False
    return net.prefixlen < 8 and not net.is_private


def rule_tf_name(rule: str) -> str:
    """The Terraform resource name of a rule."""
    return "rule_" + re.sub(r"[^A-Za-z0-9_]", "_", rule).lower()


class FirewallRule(BaseModel):
    """One NSG rule."""

    model_config = ConfigDict(extra="forbid")

    name: str
    priority: int = Field(ge=100, le=4096)
    direction: Literal["Inbound", "Outbound"] = "Inbound"
    access: Literal["Allow", "Deny"] = "Allow"
    protocol: Literal["Tcp", "Udp", "*"] = "Tcp"
    ports: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    destination: str = "VirtualNetwork"
    expires_on: date | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _RULE_NAME.match(value):
            raise ValueError(f"rule name {value!r} must be 1-80 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("ports")
    @classmethod
    def _ports(cls, value: list[str]) -> list[str]:
        for spec in value:
            port_range(spec)
        return [s.strip() for s in value]

    @field_validator("sources")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(normalise_source(s) for s in value))

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str) -> str:
        return normalise_source(value)

    def admin_ports(self) -> list[str]:
        """Administrative ports this rule opens, as 'port (service)'."""
        ranges = [port_range(p) for p in self.ports]
        return [f"{port} ({svc})" for port, svc in ADMIN_PORTS.items() if any(lo <= port <= hi for lo, hi in ranges)]

    def public_sources(self) -> list[str]:
        return [s for s in self.sources if is_public(s)]


class FirewallParams(BaseModel):
    """A network security group with rules."""

    model_config = ConfigDict(extra="forbid")

    nsg_name: str
    create_resource_group: bool = False
    rules: list[FirewallRule] = Field(max_length=100)
    allow_public_admin_ports: bool = False
    override_reason: str | None = Field(default=None, max_length=500)
    # Set only by the expiry DAG (include/provisioning/expiry.py) when every rule has expired: the plan keeps the
    # security group and removes its rules. A request always opens at least one rule.
    closes_expired_rules: bool = False

    @model_validator(mode="after")
    def _safe(self) -> FirewallParams:
        if not self.rules and not self.closes_expired_rules:
            raise ValueError("rules: at least one rule is needed")
        for field in ("name", "priority"):
            values = [(getattr(r, field), r.direction) for r in self.rules]
            if len(values) != len(set(values)):
                raise ValueError(f"rule {field}s must be unique per direction")
        tf_names = [rule_tf_name(r.name) for r in self.rules]
        if len(tf_names) != len(set(tf_names)):
            raise ValueError(f"rule names must stay unique with '.' and '-' read as '_': {tf_names}")
        today = date.today()
        for rule in self.rules:
            if rule.expires_on and rule.expires_on <= today:
                raise ValueError(f"rule {rule.name!r} expires on {rule.expires_on}, which is not in the future")
            exposed = rule.direction == "Inbound" and rule.access == "Allow" and rule.public_sources()
            admin = rule.admin_ports()
            if exposed and admin:
                if not self.allow_public_admin_ports:
                    raise ValueError(
                        f"rule {rule.name!r} opens administrative port(s) {', '.join(admin)} to the whole "
                        f"internet ({', '.join(rule.public_sources())}); restrict the sources, or set "
                        "allow_public_admin_ports=true with an override_reason"
                    )
                if not self.override_reason or len(self.override_reason.strip()) < 10:
                    raise ValueError("allow_public_admin_ports needs an override_reason (at least 10 characters)")
        return self

    def public_admin_rules(self) -> list[FirewallRule]:
        return [r for r in self.rules if r.public_sources() and r.admin_ports()]


@register_capability
class FirewallPorts(Capability):
    name = "firewall_ports"
    title = "Firewall ports"
    description = "network security group rules: ports, protocol, sources, destination, optional expiry"
    Params = FirewallParams
    risk = "high"
    depends_on = ("databricks_workspace",)
    keywords = ("port", "ports", "firewall", "nsg", "security group", "open", "allow traffic")
    name_fields = {
        "nsg_name": NameRule(prefix="nsg", max_len=80, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]",
                             label="network security group", aliases=("nsg", "network security group", "security group")),
    }

    def draft(self, current: dict[str, Any], facts: RequestFacts) -> dict[str, Any]:
        """Rules are kept as groups of ports sharing sources, so 'open 22 to X' touches only port 22."""
        d: dict[str, Any] = {"groups": [], "sources": [], **current}
        groups = [{"ports": list(g["ports"]), "sources": list(g["sources"])} for g in d["groups"]]
        drop = {p.strip() for p in facts.drop_ports}
        dropped_sources = {s.strip() for s in facts.drop_sources}
        for g in groups:
            g["ports"] = [p for p in g["ports"] if p not in drop]
            g["sources"] = [s for s in g["sources"] if s not in dropped_sources]
        groups = [g for g in groups if g["ports"]]
        known = {p for g in groups for p in g["ports"]}
        new_ports = [p.strip() for p in facts.ports if p.strip() not in known]
        sources = [s.strip() for s in facts.sources]
        if new_ports:
            inherit = groups[-1]["sources"] if groups else list(d["sources"])
            groups.append({"ports": list(dict.fromkeys(new_ports)), "sources": sources or inherit})
        elif sources and facts.replace_sources:  # "restrict the sources to X": X is now every group's only source
            for g in groups:
                g["sources"] = list(dict.fromkeys(sources))
            if not groups:
                d["sources"] = list(dict.fromkeys(sources))
        elif sources:
            lacking = [g for g in groups if not g["sources"]] or groups
            for g in lacking:
                g["sources"] += [s for s in sources if s not in g["sources"]]
            if not groups:
                d["sources"] = list(dict.fromkeys([*d["sources"], *sources]))
        d["groups"] = groups
        for key in ("protocol", "destination", "expires_on", "override_reason"):
            if getattr(facts, key) is not None:
                d[key] = getattr(facts, key)
        if facts.allow_public_admin is not None:
            d["allow_public_admin_ports"] = facts.allow_public_admin
        return d

    def refusals(self, draft: dict[str, Any]) -> list[str]:
        if draft.get("allow_public_admin_ports"):
            return []
        out = []
        for g in draft.get("groups") or []:
            try:
                rule = FirewallRule(name="draft", priority=100, ports=g["ports"], sources=g["sources"] or ["10.0.0.0/8"])
            except ValueError:
                continue  # a malformed port is the plan validation's to name
            admin, public = rule.admin_ports(), rule.public_sources()
            if admin and public:
                out.append(f"opening administrative port(s) {', '.join(admin)} to the whole internet "
                           f"({', '.join(public)}) is refused; restrict the sources (e.g. 'restrict the sources to "
                           "10.0.0.0/8'), or give an override with a reason")
        return out

    def questions(self, draft: dict[str, Any]) -> list[Question]:
        groups = draft.get("groups") or []
        if not groups:
            return [Question(key="firewall_ports.ports", text="Which ports should be opened (e.g. 443, 8443)?")]
        lacking = [p for g in groups if not g["sources"] for p in g["ports"]]
        if lacking:
            return [Question(key="firewall_ports.sources",
                             text=f"From which source address ranges (CIDR, e.g. 10.20.0.0/16) or service tags "
                                  f"should port(s) {', '.join(lacking)} be reachable?")]
        return []

    def answer_facts(self, key: str, text: str) -> RequestFacts | None:
        tokens = [t for t in re.split(r"[\s,;]+|\band\b", text) if t]
        if key == "firewall_ports.ports" and tokens and all(_PORT.match(t) for t in tokens):
            return RequestFacts(ports=tokens)
        if key == "firewall_ports.sources" and tokens:
            try:
                return RequestFacts(sources=[normalise_source(t) for t in tokens])
            except ValueError:
                return None
        return None

    def build(self, draft: dict[str, Any], ctx: PlanContext, names: dict[str, str]) -> BaseModel:
        protocol = draft.get("protocol") or "Tcp"
        ports = [(p, g["sources"]) for g in draft.get("groups") or [] for p in g["ports"]]
        rules = [
            {"name": f"allow-{protocol.lower().replace('*', 'any')}-{port}", "priority": 100 + 10 * i,
             "protocol": protocol, "ports": [port], "sources": sources,
             "destination": draft.get("destination") or "VirtualNetwork", "expires_on": draft.get("expires_on")}
            for i, (port, sources) in enumerate(ports)
        ]
        values = {"rules": rules, "allow_public_admin_ports": bool(draft.get("allow_public_admin_ports")),
                  "override_reason": draft.get("override_reason"),
                  "create_resource_group": bool(draft.get("create_resource_group", False))}
        return super().build(values, ctx, names)

    def estimate(self, params: FirewallParams, ctx: PlanContext) -> CostEstimate:
        est = CostEstimate()
        est.add("network security group and rules", len(params.rules), "rules", 0.0, "NSGs carry no charge")
        return est

    def sensitive(self, params: FirewallParams) -> list[str]:
        reasons = [f"changes network exposure: {len(params.rules)} firewall rule(s)"]
        for rule in params.public_admin_rules():
            reasons.append(f"OVERRIDE: rule {rule.name} opens {', '.join(rule.admin_ports())} to the internet "
                           f"({params.override_reason})")
        return reasons

    def resources(self, params: FirewallParams, ctx: PlanContext) -> list[ModelledResource]:
        tags = ctx.all_tags()
        out = []
        if params.create_resource_group:
            out.append(ModelledResource(type="azurerm_resource_group", name="main", attributes={
                "name": ctx.resource_group, "location": ctx.region, "tags": tags}))
        out.append(ModelledResource(type="azurerm_network_security_group", name="main", attributes={
            "name": params.nsg_name, "resource_group_name": ctx.resource_group, "location": ctx.region,
            "tags": tags}))
        for rule in params.rules:
            out.append(ModelledResource(
                type="azurerm_network_security_rule", name=rule_tf_name(rule.name),
                attributes={
                    "name": rule.name, "priority": rule.priority, "direction": rule.direction,
                    "access": rule.access, "protocol": rule.protocol, "source_port_range": "*",
                    "destination_port_ranges": rule.ports, "source_address_prefixes": rule.sources,
                    "destination_address_prefix": rule.destination,
                    "network_security_group_name": params.nsg_name, "resource_group_name": ctx.resource_group,
                    "description": f"expires {rule.expires_on.isoformat()}" if rule.expires_on else "no expiry",
                }))
        return out

    def describe(self, params: FirewallParams) -> list[str]:
        lines = [f"network security group {params.nsg_name}"]
        for r in params.rules:
            exp = f", expires {r.expires_on}" if r.expires_on else ""
            lines.append(f"  {r.direction.lower()} {r.access.lower()} {r.protocol} {','.join(r.ports)} from "
                         f"{', '.join(r.sources)} to {r.destination} (priority {r.priority}{exp})")
        return lines
