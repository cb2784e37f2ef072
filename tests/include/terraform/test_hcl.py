"""The HCL emitter escapes every value and lays it out exactly as `terraform fmt` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from include.terraform.hcl import HclExpr, hcl_body, hcl_string, hcl_value
from include.terraform.runner import TerraformRunner


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("${file(\"/etc/passwd\")}", '"$${file(\\"/etc/passwd\\")}"'),
        ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("back\\slash", '"back\\\\slash"'),
    ],
)
def test_strings_are_quoted_and_template_sequences_escaped(value: str, expected: str) -> None:
    assert hcl_string(value) == expected


def test_scalars_lists_and_references() -> None:
    assert hcl_value(None) == "null"
    assert hcl_value(True) == "true"
    assert hcl_value(3) == "3"
    assert hcl_value(0.5) == "0.5"
    assert hcl_value(["a", 1, False]) == '["a", 1, false]'
    assert hcl_value(HclExpr("azurerm_resource_group.main.name")) == "azurerm_resource_group.main.name"
    with pytest.raises(TypeError):
        hcl_value(object())


def test_alignment_groups_break_at_multiline_values() -> None:
    body = hcl_body({"name": "x", "location": "eastus", "tags": {"a": "1", "long_key": "2"}, "z": 1})
    assert body == (
        '  name     = "x"\n'
        '  location = "eastus"\n'
        "  tags = {\n"
        '    a        = "1"\n'
        '    long_key = "2"\n'
        "  }\n"
        "  z = 1\n"
    )


def test_rendered_structures_pass_terraform_fmt_and_keep_hostile_values_as_data(tmp_path: Path) -> None:
    hostile = '"}\nresource "terraform_data" "evil" {\n  input = "${path.cwd}'
    attrs = {
        "name": hostile,
        "count": 3,
        "nested": [{"a": 1, "bbbb": ["x", "y"]}, {"deep": {"k": None, "kk": True}}],
        "empty_map": {},
        "empty_list": [],
        "quoted-key": "v",
    }
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "probe" {\n  input = ' + hcl_value(attrs, 1) + "\n}\n"
        'output "name" {\n  value = terraform_data.probe.input.name\n}\n'
    )
    runner = TerraformRunner(tmp_path)
    assert runner.fmt_check() == []
    runner.init()
    assert runner.validate()["valid"] is True
    runner.plan(tmp_path / "p.tfplan")
    runner.apply(tmp_path / "p.tfplan")
    # The hostile string came back unchanged as a value: it never became configuration.
    assert runner.outputs()["name"] == hostile
    state = runner.show_state()
    addresses = [r["address"] for r in state["values"]["root_module"]["resources"]]
    assert addresses == ["terraform_data.probe"]
