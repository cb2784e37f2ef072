"""Memory per worker for cloud node types, used to decide whether a cluster change fixes an OOM.

Known types come from the clouds' published instance sizes; other names are estimated from their
family and size (`r5.8xlarge`, `Standard_E16ds_v5`, `n2-highmem-16`). Unknown names return None,
and then only a worker-count or spark-conf change can count as "more memory".
"""

from __future__ import annotations

import re

_KNOWN_GB: dict[str, float] = {
    "i3.xlarge": 30.5, "i3.2xlarge": 61.0, "i3.4xlarge": 122.0, "i3.8xlarge": 244.0,
    "Standard_DS3_v2": 14.0, "Standard_DS4_v2": 28.0, "Standard_DS5_v2": 56.0,
    "Standard_DS12_v2": 28.0, "Standard_DS13_v2": 56.0, "Standard_DS14_v2": 112.0,
    "Standard_F4s": 8.0, "Standard_F8s": 16.0, "Standard_F16s": 32.0,
}
# GiB of memory per vCPU by family prefix.
_AWS_FAMILY_GB_PER_VCPU = {"r": 8.0, "x": 16.0, "m": 4.0, "c": 2.0, "i": 8.0, "d": 8.0, "g": 4.0, "p": 8.0}
_AZURE_FAMILY_GB_PER_VCPU = {"E": 8.0, "M": 28.0, "D": 4.0, "F": 2.0, "L": 8.0, "NC": 7.0}
_GCP_KIND_GB_PER_VCPU = {"highmem": 8.0, "standard": 4.0, "highcpu": 1.0, "megamem": 14.9, "ultramem": 24.0}

_AWS = re.compile(r"^([a-z]+)\d+[a-z]*\.(\d*)x?large$")
_AZURE = re.compile(r"^Standard_([A-Z]+?)(\d+)[a-z]*(_v\d+)?$")
_GCP = re.compile(r"^[a-z]\d+[a-z]?-(highmem|standard|highcpu|megamem|ultramem)-(\d+)$")


def node_memory_gb(node_type_id: str | None) -> float | None:
    """GiB of memory of one node of this type, or None when the name is not recognised."""
    if not node_type_id:
        return None
    if node_type_id in _KNOWN_GB:
        return _KNOWN_GB[node_type_id]
    if match := _AWS.match(node_type_id):
        family, size = match.group(1), match.group(2)
        vcpus = 2 if "xlarge" not in node_type_id else 4 * (int(size) if size else 1)
        per_vcpu = _AWS_FAMILY_GB_PER_VCPU.get(family[0])
        return vcpus * per_vcpu if per_vcpu else None
    if match := _AZURE.match(node_type_id):
        family, vcpus = match.group(1), int(match.group(2))
        per_vcpu = _AZURE_FAMILY_GB_PER_VCPU.get(family) or _AZURE_FAMILY_GB_PER_VCPU.get(family[:1])
        return vcpus * per_vcpu if per_vcpu else None
    if match := _GCP.match(node_type_id):
        return int(match.group(2)) * _GCP_KIND_GB_PER_VCPU[match.group(1)]
    return None


def parse_memory_gb(value: str | None) -> float | None:
    """GiB in a JVM memory string (`8g`, `8192m`, `4096k`, `16G`), or None when unparsable."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[bB]?\s*", str(value))
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2).lower()
    scale = {"k": 1 / (1024 * 1024), "m": 1 / 1024, "g": 1.0, "t": 1024.0, "": 1 / (1024**3)}[unit]
    return number * scale
