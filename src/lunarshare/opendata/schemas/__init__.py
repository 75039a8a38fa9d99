"""The XML schemas LunarShare's open-data formats are validated against, shipped in this folder
(see README.md for where each came from) and resolved locally: no network at run or test time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
XML_XSD = HERE / "datacite-4.5" / "include" / "xml.xsd"

# Remote schema locations the shipped files refer to, mapped to the local copies.
LOCAL = {
    "http://www.w3.org/2001/03/xml.xsd": XML_XSD,
    "http://www.w3.org/2001/xml.xsd": XML_XSD,
}


class _Local(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url in LOCAL:
            return self.resolve_filename(str(LOCAL[url]), context)
        return None


def _schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.parse(str(path), parser))


@cache
def datacite_schema() -> etree.XMLSchema:
    return _schema(HERE / "datacite-4.5" / "metadata.xsd")


@cache
def oai_schema() -> etree.XMLSchema:
    """OAI-PMH 2.0 with the two metadata formats it carries (``processContents="strict"``)."""
    return _schema(HERE / "oai-pmh-harvest.xsd")


def datacite_errors(document) -> list[str]:
    """Empty when ``document`` (bytes or element) is valid DataCite 4.5; else the schema's messages."""
    return _errors(datacite_schema(), document)


def oai_errors(document) -> list[str]:
    return _errors(oai_schema(), document)


def _errors(schema: etree.XMLSchema, document) -> list[str]:
    if isinstance(document, bytes | str):
        document = etree.fromstring(document.encode() if isinstance(document, str) else document)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
