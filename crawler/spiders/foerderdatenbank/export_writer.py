"""Write programme records in the real Förderdatenbank export format (GSB XML documents in a ZIP).

Used to build the demo snapshot and the benchmark export from real corpus records (the shape of
``tests/fixtures/foerderdatenbank/corpus_sample.json``): the spider then reads them exactly as it
reads the live export. The format copies the saved real documents (see ``docs/sources.md``): the
``<property name="gsb:…">`` elements in alphabetical order, RichText as escaped pseudo-CDATA around
an XHTML ``<div>``,
categories as ``classifiedLinkList`` blocks, contact/address/link/funding-body as documents of
their own linked by ``target:/BMWI/…``.

Texts are written verbatim (CC BY-ND): a plain text becomes the content of one ``<p>``; only the
XML escaping differs from the input. Nothing is repaired, shortened or paraphrased.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from core.vocab import subarea_classifiers

XMLNS_XLINK = "http://www.w3.org/1999/xlink"
CONTENT = "/BMWI/FDB/Content/DE"
CLASSIFIER = "target:/BMWI/SiteGlobals/Classifications/Classifier/Common/"
CATEGORY = "target:/BMWI/SiteGlobals/Categories/FDB/"
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMPTY_DIV = f'<div xmlns:xlink="{XMLNS_XLINK}"></div>'

# Sub-area category folders that differ from the classifier name (NOTES.md §3.5).
SUBAREA_FOLDERS = {"UFExistenzgruendung": "UF_ExistenzgruendungFestigung"}
# Website codes the export spells differently (the writer produces what the real export holds).
EXPORT_SPELLING = {"schleswig_holstein": "schlesig_holstein"}
_SLUG = re.compile(r"[^a-z0-9]+")


def _richtext(inner_xhtml: str) -> str:
    """The RichText ``<text>`` payload: pseudo-CDATA around the XHTML, escaped like the real export."""
    return escape(f"<![CDATA[{inner_xhtml}]]>")


def paragraph(text: str) -> str:
    """A plain text as the XHTML div of a RichText value ("" → the export's empty div)."""
    if not text:
        return EMPTY_DIV
    return f'<div xmlns:xlink="{XMLNS_XLINK}"><p>{escape(text)}</p></div>'


@dataclass
class XmlDocument:
    """One export document being written: ``props`` maps property name → (type, inner XML)."""

    path: str  # /BMWI/FDB/Content/DE/Kontakt/B
    name: str
    type: str
    props: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return f"target:{self.path}/{self.name}"

    @property
    def entry(self) -> str:
        return f"{self.path.lstrip('/')}/{self.name}.xml"

    def richtext(self, name: str, inner_xhtml: str) -> None:
        self.props[name] = ("RichText", f"        <text>{_richtext(inner_xhtml or EMPTY_DIV)}</text>\n")

    def string(self, name: str, value: str, kind: str = "String") -> None:
        self.props[name] = (kind, f"        <value>{escape(value)}</value>\n")

    def linklist(self, name: str, targets: Iterable[str]) -> None:
        links = "".join(f"            <link xlink:href={quoteattr(t)}/>\n" for t in targets)
        body = f"        <links>\n{links}        </links>\n" if links else "        <links/>\n"
        self.props[name] = ("LinkList", body)

    def classified(self, name: str, blocks: Iterable[tuple[str, Iterable[str]]]) -> None:
        parts = []
        for classifier, targets in blocks:
            links = "".join(f"                    <link xlink:href={quoteattr(t)}/>\n" for t in targets)
            inner = (
                f"                <links>\n{links}                </links>\n" if links else "                <links/>\n"
            )
            parts.append(
                "            <classifiedLinkList>\n                <classifierText></classifierText>\n"
                "                <classifierLinks>\n"
                f"                    <link xlink:href={quoteattr(CLASSIFIER + classifier)}/>\n"
                f"                </classifierLinks>\n{inner}            </classifiedLinkList>\n"
            )
        self.props[name] = (
            "ClassifiedLinkLists",
            f"        <classifiedLinkLists>\n{''.join(parts)}        </classifiedLinkLists>\n",
        )

    def to_xml(self) -> bytes:
        lines = [
            HEADER,
            f'<document xmlns:xlink="{XMLNS_XLINK}" name={quoteattr(self.name)} '
            f"path={quoteattr(self.path)} type={quoteattr(self.type)}>\n",
        ]
        for name in sorted(self.props):
            kind, body = self.props[name]
            lines.append(f'    <property name="{name}" type="{kind}">\n{body}    </property>\n')
        lines.append("</document>\n")
        return "".join(lines).encode("utf-8")


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slugify(text: str, *distinct: str) -> str:
    """A document name in the export's style; ``distinct`` values add a short hash so that two
    documents with the same title but different content never share a name."""
    replaced = text.lower().translate(_TRANSLITERATION)
    slug = _SLUG.sub("-", replaced).strip("-")[:60] or "eintrag"
    if distinct:
        slug += "-" + hashlib.sha1("\x1f".join(distinct).encode("utf-8")).hexdigest()[:6]  # noqa: S324
    return slug


def _letter(slug: str) -> str:
    first = slug[:1].upper()
    return first if first.isalpha() else "_"


class ExportWriter:
    """Collects documents (de-duplicated by key) and writes them as one export ZIP."""

    def __init__(self) -> None:
        self.documents: dict[str, XmlDocument] = {}
        self.subarea_classifier = {parent: cls for cls, parent in subarea_classifiers().items()}

    def add(self, document: XmlDocument) -> str:
        self.documents.setdefault(document.entry, document)
        return document.target

    def add_raw(self, entry: str, data: bytes) -> None:
        """Add an already written document (e.g. a saved real export file) byte for byte."""
        self.documents[entry] = _RawDocument(entry, data)  # type: ignore[assignment]

    def add_tree(self, root: Path) -> None:
        """Add every saved export document below ``root`` (a folder holding ``BMWI/…``), byte for byte."""
        for path in sorted(root.rglob("*.xml")):
            self.add_raw(path.relative_to(root).as_posix(), path.read_bytes())

    # -- linked documents --------------------------------------------------------------------------

    def external_link(self, title: str, url: str) -> str:
        slug = slugify(title or url, url, title)
        document = XmlDocument(f"{CONTENT}/ExternerLink/{_letter(slug)}", slug, "gsb:ExternalLink")
        document.string("gsb:altText", "Externer Link (öffnet neues Fenster)")
        for prop in ("gsb:bodyText", "gsb:comment", "gsb:header", "gsb:remark", "gsb:teaserText"):
            document.richtext(prop, EMPTY_DIV)
        document.classified("gsb:cl2Images", [("Bild", [])])
        document.linklist("gsb:languageInd", ["target:/BMWI/SiteGlobals/Languages/Deutsch"])
        document.string("gsb:shouldNotBeIndexed", "0", "Long")
        document.richtext("gsb:title", paragraph(f"{title} (externer Link)" if title else url))
        document.string("gsb:url", url)
        return self.add(document)

    def address(self, contact: dict[str, Any]) -> str | None:
        if not any(contact.get(k) for k in ("road", "zip_code", "city")):
            return None
        slug = slugify(contact.get("institution", ""), *(str(contact.get(k, "")) for k in sorted(contact)))
        document = XmlDocument(f"{CONTENT}/Adresse/{_letter(slug)}", slug, "gsb:Address")
        for prop in ("gsb:comment", "gsb:header", "gsb:remark", "gsb:teaserText"):
            document.richtext(prop, EMPTY_DIV)
        document.linklist("gsb:languageInd", ["target:/BMWI/SiteGlobals/Languages/Deutsch"])
        document.string("gsb:shouldNotBeIndexed", "0", "Long")
        document.richtext("gsb:title", paragraph(contact.get("institution", "")))
        for key, prop in (
            ("road", "gsb:road"),
            ("house_id", "gsb:houseId"),
            ("building", "gsb:building"),
            ("zip_code", "gsb:zipCode"),
            ("city", "gsb:city"),
            ("post_box", "gsb:postBox"),
            ("country", "gsb:country"),
        ):
            if contact.get(key):
                document.string(prop, str(contact[key]))
        return self.add(document)

    def contact(self, contact: dict[str, Any]) -> str | None:
        if not contact.get("institution"):
            return None
        slug = slugify(contact["institution"], *(str(contact.get(k, "")) for k in sorted(contact)))
        document = XmlDocument(f"{CONTENT}/Kontakt/{_letter(slug)}", slug, "gsb:ContactData")
        address = self.address(contact)
        document.classified("gsb:cl2Addresses", [("Adresse", [address] if address else [])])
        document.classified("gsb:cl2Images", [("Bild", [])])
        for prop in ("gsb:comment", "gsb:header", "gsb:remark", "gsb:teaserText"):
            document.richtext(prop, EMPTY_DIV)
        for key, prop in (("email", "gsb:email"), ("phone", "gsb:phone"), ("fax", "gsb:fax"), ("mobile", "gsb:mobile")):
            if contact.get(key):
                document.string(prop, str(contact[key]))
        document.linklist("gsb:languageInd", ["target:/BMWI/SiteGlobals/Languages/Deutsch"])
        document.string("gsb:shouldNotBeIndexed", "0", "Long")
        document.string("gsb:subType", "ContactData-FundingOrganisation")
        document.richtext("gsb:title", paragraph(contact["institution"]))
        if contact.get("website"):
            document.linklist("gsb:website", [self.external_link("", contact["website"])])
        return self.add(document)

    # -- programmes --------------------------------------------------------------------------------

    def programme(self, record: dict[str, Any], *, key: str | None = None, title: str | None = None) -> str:
        """Write one corpus record (keys as in ``tests/fixtures/foerderdatenbank/corpus_sample.json``)
        as a programme document.

        ``key`` (``/BMWI/FDB/Content/DE/Foerderprogramm/…/slug``) defaults to the record's URL path;
        ``title`` overrides the title (benchmark variants only).
        """
        key = key or "/BMWI" + record["url"].split("foerderdatenbank.de", 1)[1].removesuffix(".html")
        path, _, name = key.rpartition("/")
        document = XmlDocument(path, name, "gsb:ServiceOffer")
        texts = {
            "gsb:title": title if title is not None else record.get("title", ""),
            "gsb:teaserText": record.get("short_description", ""),
            "gsb:summary": record.get("description", ""),
            "gsb:bodyText": record.get("legal_basis", ""),
            "gsb:regulatoryFWork": record.get("legal_requirements", ""),
            "gsb:procInfluence": record.get("deadlines", ""),
            "gsb:header": record.get("status_note", ""),
        }
        for prop in (
            "gsb:challenge",
            "gsb:competenceDescr",
            "gsb:customerBenefit",
            "gsb:functions",
            "gsb:procDescription",
            "gsb:procMethod",
            "gsb:procQuality",
            "gsb:progress",
            "gsb:referenceCustomer",
            "gsb:remark",
            "gsb:requirements",
            "gsb:serviceDescription",
            "gsb:serviceFeeDescr",
            "gsb:termsOfPayment",
            "gsb:comment",
        ):
            document.richtext(prop, EMPTY_DIV)
        for prop, text in texts.items():
            document.richtext(prop, paragraph(text))
        if record.get("keywords"):
            document.string("gsb:keywords", record["keywords"])
        if record.get("date_of_issue"):
            document.string("gsb:dateOfIssue", record["date_of_issue"], "Date")
        document.linklist("gsb:languageInd", ["target:/BMWI/SiteGlobals/Languages/Deutsch"])
        document.string("gsb:shouldNotBeIndexed", "0", "Long")
        document.string("gsb:subType", "ServiceOffer-FundingProgram")

        contact = self.contact(record.get("contact") or {})
        document.classified("gsb:cl2Contacts", [("Kontakt", [contact] if contact else [])])
        links = [
            self.external_link(link.get("title", ""), link["url"])
            for link in record.get("further_links") or []
            if link.get("url")
        ]
        document.classified("gsb:cl2CustServices", [("ExternerLink", links)])
        document.classified("gsb:cl2Location", [("Foerdertermin", [])])
        # The corpus names the funding body by slug only; link it when a real Foerdergeber document of
        # that slug is in the ZIP (added with ``add_raw``), never with a made-up title.
        bodies = []
        for slug in record.get("funding_organisation") or []:
            body = XmlDocument(f"{CONTENT}/Foerdergeber/{_letter(slug)}", slug, "gsb:ContactData")
            if body.entry in self.documents:
                bodies.append(body.target)

        def categories(classifier: str, folder: str, codes: Iterable[str]) -> tuple[str, list[str]]:
            return classifier, [f"{CATEGORY}{folder}/{EXPORT_SPELLING.get(c, c)}" for c in codes]

        document.classified(
            "gsb:cl2Processes",
            [
                categories("Foerderart", "Foerderart", record.get("funding_type") or []),
                categories("Foerdergebiet", "Foerdergebiet", record.get("funding_location") or []),
                categories("Foerdergeber", "Foerdergeber", record.get("funding_body") or []),
                categories("Foerderberechtigte", "Foerderberechtigte", record.get("eligible_applicants") or []),
                categories("Foerderbereich", "Foerderbereich", record.get("funding_area") or []),
                ("Foerderorganisation", bodies),
            ],
        )
        by_parent: dict[str, list[str]] = {}
        for code in record.get("funding_subarea") or []:
            parent, _, child = code.partition(".")
            by_parent.setdefault(parent, []).append(child)
        blocks = []
        for parent, classifier in self.subarea_classifier.items():
            folder = SUBAREA_FOLDERS.get(classifier, "UF_" + classifier.removeprefix("UF"))
            blocks.append((classifier, [f"{CATEGORY}{folder}/{child}" for child in by_parent.get(parent, [])]))
        document.classified("gsb:cl2Satisfaction", blocks)
        return self.add(document)

    def to_zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in sorted(self.documents):
                info = zipfile.ZipInfo(entry, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, self.documents[entry].to_xml())
        return buffer.getvalue()


@dataclass
class _RawDocument:
    entry: str
    data: bytes

    def to_xml(self) -> bytes:
        return self.data
