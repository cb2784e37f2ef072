"""The deterministic request parser: regions, environments, teams, sizes, worker counts, ports,
CIDRs, model names, name overrides and yes/no — from plain English, with no LLM.

`parse_request(text, hint=…)` reads a whole request or an edit ("reduce the cluster to 1-4
workers", "add port 8443", "drop the OpenAI part", "call the resource group rg-x"); `hint` is the
key of the question being answered, so a bare answer ("ml-team", "West Europe") lands in the
right field.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, timedelta

from include.provisioning.azure_facts import ENVIRONMENT_WORDS, NODE_TYPES, REGIONS, region_code
from include.provisioning.capabilities.azure_openai import model_names
from include.provisioning.capability import environment_of
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import RESOURCE_GROUP, slug
from include.provisioning.registry import CapabilityRegistry, get_registry

YES = re.compile(r"^\s*(y|yes|yep|yeah|ok|okay|sure|confirm(ed)?|go( ahead)?|do it|looks good|lgtm|approve[d]?|"
                 r"accept(ed)?|correct|right|fine)\b[\s.!]*$", re.I)
NO = re.compile(r"^\s*(n|no|nope|cancel|abort|stop|quit)\b[\s.!]*$", re.I)
_CIDR = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(/\d{1,2})?(?![\d.])")
_PORT_LIST = r"(\d{1,5}(?:\s*-\s*\d{1,5})?(?:\s*(?:,|and|&|/|or)\s*\d{1,5}(?:\s*-\s*\d{1,5})?)*)"
_WORLD = re.compile(r"\b(the world|everyone|everybody|anywhere|the internet|internet|any ?where|0\.0\.0\.0/0)\b", re.I)
_DROP_VERBS = r"(?:drop|remove|delete|skip|without|no|forget|don'?t (?:need|want))"
# "restrict the sources to X", "only from X", "change the sources to X": X replaces the sources, not joins them
_REPLACE_SOURCES = re.compile(r"\b(?:restrict|limit|narrow)\w*\b|\bonly\s+(?:from|to|allow)\b|\b(?:change|set|replace|switch)\w*\s+"
                              r"(?:the\s+)?(?:sources?|source\s+ranges?|cidrs?|allowed\s+(?:ips|ranges))\s+(?:to|with)\b"
                              r"|\binstead\b")
_ADD_VERBS = r"(?:add|include|also|plus|with|need|want|create|set up|provision)"


def _ports(spec: str) -> list[str]:
    return [re.sub(r"\s+", "", p) for p in re.split(r"\s*(?:,|and|&|/|or)\s*", spec) if p.strip()]


def _region(text: str) -> str | None:
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for code, (display, _short) in REGIONS.items():
        for word in (display.lower(), code):
            m = re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", lowered)
            if m and (best is None or len(word) > best[0]):
                best = (len(word), code)
    return best[1] if best else None


def _team(text: str) -> str | None:
    m = re.search(r"\bteam[:\s]+(?:is\s+|called\s+|named\s+)?([A-Za-z][\w-]{1,30})", text, re.I)
    if m and m.group(1).lower() not in ("in", "with", "for", "and", "the", "a"):
        return slug(m.group(1))
    m = re.search(r"\b(?:for|of|by)\s+(?:the\s+|our\s+)?([A-Za-z][\w-]{0,20}(?:\s[A-Za-z][\w-]{0,20})?)\s+team\b",
                  text, re.I)
    if m:
        return slug(m.group(1) + "-team")
    return None


def _environment(text: str) -> str | None:
    for word, env in ENVIRONMENT_WORDS.items():
        if word != "sandbox" and re.search(rf"(?<![a-z0-9-]){re.escape(word)}(?![a-z0-9-])", text.lower()):
            return env
    return None


_ML_WORKLOAD = (r"\b(?:ml|machine[- ]learning|data[- ]scien\w*|deep[- ]learning|model[- ]training|"
                r"train(?:ing)?\s+(?:\w+\s+)?models?|fine[- ]tun\w*|computer[- ]vision|mlops)\b")


def _workers(text: str, facts: RequestFacts) -> None:
    m = re.search(r"(\d{1,3})\s*(?:-|to|–|and)\s*(\d{1,3})\s*workers?", text, re.I)
    if m:
        facts.min_workers, facts.max_workers = int(m.group(1)), int(m.group(2))
        return
    m = re.search(r"between\s+(\d{1,3})\s+and\s+(\d{1,3})\s+workers?", text, re.I)
    if m:
        facts.min_workers, facts.max_workers = int(m.group(1)), int(m.group(2))
        return
    if m := re.search(r"(?:up to|max(?:imum)?(?: of)?|at most)\s+(\d{1,3})\s+workers?", text, re.I):
        facts.max_workers = int(m.group(1))
    if m := re.search(r"(?:at least|min(?:imum)?(?: of)?)\s+(\d{1,3})\s+workers?", text, re.I):
        facts.min_workers = int(m.group(1))
    if facts.min_workers is None and facts.max_workers is None:
        if m := re.search(r"(\d{1,3})\s+workers?", text, re.I):
            facts.max_workers = int(m.group(1))


def _network(text: str, facts: RequestFacts) -> None:
    lowered = text.lower()
    dropping = re.search(rf"{_DROP_VERBS}|close|revoke", lowered)
    for m in re.finditer(rf"\b(?:{_DROP_VERBS}|close|revoke)\s+(?:the\s+)?ports?\s+{_PORT_LIST}", text, re.I):
        facts.drop_ports += _ports(m.group(1))
    for m in re.finditer(rf"\bports?\s+{_PORT_LIST}", text, re.I):
        for p in _ports(m.group(1)):
            if p not in facts.drop_ports and p not in facts.ports:
                facts.ports.append(p)
    for m in re.finditer(rf"\b(?:open|allow|expose)\s+(?:tcp\s+|udp\s+)?{_PORT_LIST}(?!\s*(?:workers?|days?|/\d))", text, re.I):
        for p in _ports(m.group(1)):
            if p not in facts.ports and p not in facts.drop_ports:
                facts.ports.append(p)
    for m in re.finditer(r"\b(\d{1,5})\s*/\s*(tcp|udp)\b", text, re.I):
        if m.group(1) not in facts.ports:
            facts.ports.append(m.group(1))
        facts.protocol = "Tcp" if m.group(2).lower() == "tcp" else "Udp"
    if re.search(r"\budp\b", lowered) and facts.protocol is None:
        facts.protocol = "Udp"
    for m in _CIDR.finditer(text):
        addr = m.group(1) + (m.group(2) or "/32")
        try:
            net = str(ipaddress.ip_network(addr, strict=False))
        except ValueError:
            continue
        before = lowered[max(0, m.start() - 25):m.start()]
        (facts.drop_sources if dropping and re.search(_DROP_VERBS, before) else facts.sources).append(net)
    if (facts.ports or "source" in lowered or "open" in lowered) and _WORLD.search(text) and "0.0.0.0/0" not in facts.sources:
        facts.sources.append("0.0.0.0/0")
    if facts.sources and _REPLACE_SOURCES.search(lowered):
        facts.replace_sources = True
    if until := re.search(r"\b(?:expir\w*|until|through)\s+(?:on\s+)?(\d{4}-\d{2}-\d{2})", text, re.I):
        facts.expires_on = date.fromisoformat(until.group(1))
    elif lasting := re.search(r"\bfor\s+(\d{1,3})\s+days?\b", text, re.I):
        facts.expires_on = date.today() + timedelta(days=int(lasting.group(1)))
    if re.search(r"\b(override|allow public admin|accept the risk|i accept)\b", lowered):
        facts.allow_public_admin = True
        facts.override_reason = text.strip()[:500]


def _names(text: str, facts: RequestFacts, registry: CapabilityRegistry) -> None:
    aliases: list[tuple[str, str]] = [(a, "resource_group") for a in RESOURCE_GROUP.aliases]
    for cap_name in registry.names():
        for field, rule in registry.get(cap_name).name_fields.items():
            aliases += [(a, f"{cap_name}.{field}") for a in rule.aliases]
    aliases.sort(key=lambda x: len(x[0]), reverse=True)
    alias_re = "|".join(re.escape(a) for a, _ in aliases)
    patterns = [
        rf"\b(?:call|name|rename)\s+(?:the\s+|my\s+|our\s+)?({alias_re})\s+(?:to\s+|as\s+)?[\"'`]?([A-Za-z0-9][\w.()-]*)",
        rf"\b(?:the\s+)?({alias_re})\s+(?:name\s+)?(?:should be|must be|is|=|:)\s+(?:called\s+|named\s+)?[\"'`]?([A-Za-z0-9][\w.()-]*)",
        rf"\buse\s+[\"'`]?([A-Za-z0-9][\w.()-]*)[\"'`]?\s+(?:as|for)\s+(?:the\s+)?({alias_re})(?:\s+name)?\b",
    ]
    lookup = dict(aliases)
    for i, pattern in enumerate(patterns):
        for m in re.finditer(pattern, text, re.I):
            alias, value = (m.group(2), m.group(1)) if i == 2 else (m.group(1), m.group(2))
            facts.names[lookup[alias.lower()]] = value.rstrip(".,;")


def _capabilities(text: str, facts: RequestFacts, registry: CapabilityRegistry) -> None:
    clauses = re.split(r"[,.;]|\band\b|\bbut\b", text)
    for clause in clauses:
        found = registry.match_keywords(clause)
        if not found:
            continue
        if re.search(rf"\b{_DROP_VERBS}\b", clause, re.I) and not re.search(r"\bports?\s+\d", clause, re.I):
            facts.drop_capabilities += [c for c in found if c not in facts.drop_capabilities]
        else:
            facts.capabilities += [c for c in found if c not in facts.capabilities]
    for name in registry.names():
        if re.search(rf"\b{re.escape(name)}\b", text):
            target = facts.drop_capabilities if re.search(rf"{_DROP_VERBS}\s+{re.escape(name)}", text, re.I) else facts.capabilities
            if name not in target:
                target.append(name)
    facts.capabilities = [c for c in facts.capabilities if c not in facts.drop_capabilities]


def _hinted(text: str, hint: str) -> RequestFacts | None:
    """A bare answer to a context question."""
    value = text.strip().strip(".")
    if hint == "team" and re.fullmatch(r"[A-Za-z][\w -]{0,40}", value) and not YES.match(value):
        return RequestFacts(team=slug(value))
    if hint == "environment" and (env := environment_of(value)):
        return RequestFacts(environment=env)
    if hint == "region" and (code := region_code(value)):
        return RequestFacts(region=code)
    if hint == "budget":
        if re.fullmatch(r"(?i)(?:none|no|no limit|no budget|unlimited|n/?a|-)", value):
            return RequestFacts(budget_usd=0)
        if (amount := _amount(value)) is not None:
            return RequestFacts(budget_usd=amount)
    return None


_MONEY = r"\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*(?:usd|dollars?|\$)?"
# a budget in a request: the word "budget", or a limit word next to an amount in dollars
_BUDGET = re.compile(r"(?i)\bbudget\s+(?:of\s+|is\s+|at\s+)?" + _MONEY
                     + r"|\b(?:under|below|within|max(?:imum)?|at\s+most|no\s+more\s+than|cap(?:ped)?\s+at)\s+"
                     + r"(?:\$\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?|(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*(?:usd|dollars?))")


def _amount(text: str) -> float | None:
    """A bare amount ('2000', '$2,500', '3k', '1500 usd')."""
    m = re.fullmatch(r"(?i)\s*" + _MONEY + r"\s*(?:(?:per|a|/)\s*month|monthly)?\s*", text)
    return float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1) if m else None


def _budget(text: str) -> float | None:
    """A monthly budget stated in a request ('budget of $2,000', 'under $500 a month', 'max 3k usd')."""
    m = _BUDGET.search(text)
    if not m:
        return None
    groups = m.groups()
    pairs = [(groups[i], groups[i + 1]) for i in (0, 2, 4)]
    number, k = next((n, k) for n, k in pairs if n)
    return float(number.replace(",", "")) * (1000 if k else 1)


def parse_request(text: str, hint: str | None = None, registry: CapabilityRegistry | None = None) -> RequestFacts:
    """Read a request, an answer or an edit into `RequestFacts` (deterministically)."""
    registry = registry or get_registry()
    if hint:
        if (facts := _hinted(text, hint)) is not None:
            return facts
        cap_name = hint.split(".", 1)[0]
        if cap_name in registry and (facts := registry.get(cap_name).answer_facts(hint, text)) is not None:
            return facts
    facts = RequestFacts()
    if YES.match(text):
        facts.answer = "yes"
        return facts
    if NO.match(text):
        facts.answer = "no"
        return facts
    _names(text, facts, registry)
    scrubbed = text
    for value in facts.names.values():  # a name like rg-ml-prod must not be read as an environment
        scrubbed = scrubbed.replace(value, " ")
    _capabilities(scrubbed, facts, registry)
    facts.team = _team(scrubbed)
    facts.environment = _environment(re.sub(r"\bteam\b.*?\b", " ", scrubbed) if facts.team else scrubbed)
    facts.region = _region(scrubbed)
    lowered = scrubbed.lower()
    if re.search(r"\b(gpus?|a100|t4|v100|cuda)\b", lowered):
        facts.gpu = not re.search(rf"{_DROP_VERBS}\s+(?:the\s+)?gpus?", lowered)
    elif re.search(r"\b(cpu[- ]only|no gpus?)\b", lowered):
        facts.gpu = False
    if re.search(_ML_WORKLOAD, lowered):
        facts.workload = "ml"
    facts.budget_usd = _budget(scrubbed)
    if m := re.search(r"\b(small|medium|large)\b", lowered):
        facts.size = m.group(1)  # type: ignore[assignment]
    for node in NODE_TYPES:
        if node.lower() in lowered:
            facts.node_type = node
    _workers(scrubbed, facts)
    if m := re.search(r"\b(standard|premium|trial)\s+(?:sku|tier|workspace)\b|\bsku\s+(standard|premium|trial)\b", lowered):
        facts.sku = (m.group(1) or m.group(2))  # type: ignore[assignment]
    if re.search(r"\bprivate\b|\bno public (?:network )?access\b", lowered):
        facts.public_network_access = False
    elif re.search(r"\bpublic (?:network )?access\b", lowered):
        facts.public_network_access = True
    models = model_names(scrubbed)
    if re.search(rf"{_DROP_VERBS}\s+(?:the\s+)?(?:{'|'.join(map(re.escape, models))})", lowered) if models else False:
        facts.drop_models = models
    else:
        facts.models = models
    if m := re.search(r"(\d{1,4})\s*k\s*(?:tpm|tokens)|capacity\s+(?:of\s+)?(\d{1,4})", lowered):
        facts.capacity = int(m.group(1) or m.group(2))
    _network(scrubbed, facts)
    if hint and facts.is_empty() and hint.endswith("models") and models:
        facts.models = models
    return facts
