"""XML namespaces of the BPMN dialects Spiral reads (BPMN 2.0, SpiffWorkflow, Camunda 7 and 8)."""
from __future__ import annotations

from typing import cast

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "zeebe": "http://camunda.org/schema/zeebe/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
BPMN = "{%s}" % NS["bpmn"]
CAMUNDA = "{%s}" % NS["camunda"]
ZEEBE = "{%s}" % NS["zeebe"]


def nodes(node: etree._Element, path: str) -> list[etree._Element]:
    """The elements an element-selecting XPath `path` finds under `node`, with the namespaces above bound."""
    # xpath() is typed as every result XPath can give (strings, numbers, ...); Spiral's paths select elements only.
    return cast("list[etree._Element]", node.xpath(path, namespaces=NS))
