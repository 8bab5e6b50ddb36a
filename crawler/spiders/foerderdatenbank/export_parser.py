"""The Förderdatenbank bulk export (ZIP of GSB XML documents) → programme items.

Follows the export's structure as `docs/sources.md` describes it: one XML document per CMS object; programmes
are ``gsb:ServiceOffer`` documents whose contact, address, external-link and funding-body data live
in other documents of the same ZIP, linked as ``target:/BMWI/<path>``. RichText values are escaped
pseudo-CDATA holding XHTML; some files carry forbidden control bytes. Everything is indexed first
and resolved afterwards, because a link may point to a document later in the ZIP.

Items are plain dicts of ``store.ingest.ITEM_FIELDS``. Texts are kept as written (CC BY-ND): the
unmodified RichText XHTML goes to ``raw``, a plain-text copy to the ``*_text`` fields.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from core.deadline_status import deadline_fields
from core.deadlines import parse_first_deadlines
from core.rates import funding_columns
from core.vocab import canonical_code, subarea_classifiers
from crawler.text import html_to_text, strip_control_chars, unwrap_pseudo_cdata

PUBLIC_BASE = "https://www.foerderdatenbank.de"
LICENCE_URL = "https://creativecommons.org/licenses/by-nd/4.0/deed.de"
ATTRIBUTION = "Quelle: Förderdatenbank des Bundes, BMWE, CC BY-ND 4.0"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TARGET = "target:"
CATEGORY_MARK = "/SiteGlobals/Categories/"
PROGRAMME_TYPE = "gsb:ServiceOffer"

# Item text field ← RichText property. Deadline prose is read from procInfluence first.
TEXT_FIELDS = {
    "teaser_text": "gsb:teaserText",
    "description_text": "gsb:summary",
    "eligibility_text": "gsb:regulatoryFWork",
    "legal_text": "gsb:bodyText",
    "deadline_text": "gsb:procInfluence",
    "status_note": "gsb:header",
}
# RichText properties kept unmodified in ``raw`` (gsb:comment holds editorial ticket ids: dropped).
RAW_FIELDS = (
    "gsb:title",
    "gsb:teaserText",
    "gsb:summary",
    "gsb:bodyText",
    "gsb:regulatoryFWork",
    "gsb:procInfluence",
    "gsb:procMethod",
    "gsb:procDescription",
    "gsb:header",
    "gsb:progress",
    "gsb:competenceDescr",
    "gsb:functions",
    "gsb:remark",
    "gsb:referenceCustomer",
)
LEVELS = {"Bund": "bund", "Land": "land", "EU": "eu"}
_LINK_SUFFIX = re.compile(r"\s*\((?:externer|exerner|extener) Link\)\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMPTY_DIV = re.compile(r"^<div[^>]*>\s*</div>$")


class ExportFormatError(ValueError):
    """The body is not a readable export ZIP; the message says what it is instead."""


@dataclass
class ExportResult:
    items: list[dict[str, Any]]
    documents: int = 0  # XML documents read
    programmes: int = 0  # programme documents among them
    stripped_control_bytes: int = 0
    unresolved_links: int = 0
    broken: list[str] = field(default_factory=list)  # "<entry>: <problem>" for unreadable documents
    broken_programmes: int = 0  # unreadable documents inside Foerderprogramm/ (a run with these is not complete)

    def stats(self) -> dict[str, int]:
        return {
            "fdb/documents": self.documents,
            "fdb/programmes": self.programmes,
            "fdb/stripped_control_bytes": self.stripped_control_bytes,
            "fdb/unresolved_links": self.unresolved_links,
            "fdb/broken_documents": len(self.broken),
        }


class Document:
    """One export document: its key (``/BMWI/…/name``), type and properties by name."""

    __slots__ = ("key", "type", "props", "_plain")

    def __init__(self, root: etree._Element) -> None:
        self.key = f"{root.get('path', '')}/{root.get('name', '')}"
        self.type = root.get("type", "")
        self.props = {prop.get("name"): prop for prop in root}
        self._plain: dict[str, str] = {}

    @property
    def name(self) -> str:
        return self.key.rpartition("/")[2]

    def richtext(self, name: str) -> str:
        """The inner XHTML of a RichText property, exactly as the export has it ("" when empty)."""
        prop = self.props.get(name)
        node = prop.find("text") if prop is not None else None
        if node is None or not node.text:
            return ""
        inner = unwrap_pseudo_cdata(node.text)
        return "" if _EMPTY_DIV.match(inner) else inner

    def plain(self, name: str) -> str:
        """Plain text of a RichText property (cached: linked documents are read by many programmes)."""
        if name not in self._plain:
            markup = self.richtext(name)
            self._plain[name] = html_to_text(markup) if markup else ""
        return self._plain[name]

    def string(self, name: str) -> str:
        prop = self.props.get(name)
        node = prop.find("value") if prop is not None else None
        return (node.text or "").strip() if node is not None else ""

    def links(self, name: str) -> list[str]:
        """Targets of a LinkList property."""
        prop = self.props.get(name)
        if prop is None:
            return []
        return [link.get(XLINK_HREF, "") for link in prop.iterfind("links/link")]

    def classified(self, name: str) -> dict[str, list[str]]:
        """Classifier → de-duplicated hrefs of a ClassifiedLinkLists property (blocks accumulate)."""
        out: dict[str, list[str]] = {}
        prop = self.props.get(name)
        if prop is None:
            return out
        for lists in prop:  # <classifiedLinkLists>; plain child loops: this runs ~10 times per programme
            for block in lists:
                classifier: str | None = None
                links: Any = ()
                for part in block:
                    if part.tag == "classifierLinks" and len(part):
                        classifier = part[0].get(XLINK_HREF, "")
                    elif part.tag == "links":
                        links = part
                if not classifier:
                    continue
                values = out.setdefault(classifier.rpartition("/")[2], [])
                for link in links:
                    href = link.get(XLINK_HREF, "")
                    if href and href not in values:
                        values.append(href)
        return out


def document_key(target: str) -> str:
    """``target:/BMWI/FDB/…/slug`` → the document key ``/BMWI/FDB/…/slug``."""
    return target[len(TARGET) :] if target.startswith(TARGET) else target


def public_url(key: str) -> str:
    """The public page of a document: the export path without ``/BMWI``, with ``.html``."""
    return PUBLIC_BASE + key.removeprefix("/BMWI") + ".html"


def natural_key(key: str) -> str:
    """The store key of a programme: its public path without ``.html`` (shared with the HTML spider)."""
    return key.removeprefix("/BMWI")


def correlaid_ids(key: str) -> tuple[str, str]:
    """CorrelAid's ``id_url`` / ``id_hash`` for cross-checks with their published datasets."""
    below = key.partition("/Foerderprogramm/")[2]
    id_url = below.lower().replace("/", "-")
    return id_url, hashlib.md5(id_url.encode("utf-8")).hexdigest()  # noqa: S324 — an identifier, not security


def _code(href: str) -> str:
    return href.rpartition("/")[2]


PROGRAMME_FOLDER = "/Foerderprogramm/"


def open_export(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExportFormatError(
            f"Die Antwort ist kein lesbares ZIP-Archiv ({exc}); erste Bytes: {data[:40]!r}"
        ) from None


def iter_documents(archive: zipfile.ZipFile, result: ExportResult, *, programmes: bool) -> Iterator[Document]:
    """Parse the XML entries inside (``programmes=True``) or outside the programme folder.

    Unreadable entries are recorded in ``result.broken``; forbidden control bytes are stripped
    (and counted) only for documents that fail to parse, which keeps the common case fast.
    """
    for info in archive.infolist():
        if info.is_dir() or not info.filename.endswith(".xml") or (PROGRAMME_FOLDER in info.filename) != programmes:
            continue
        try:
            raw = archive.read(info)
            try:
                root, stripped = etree.fromstring(raw), 0
            except etree.XMLSyntaxError:  # e.g. a raw \x02: strip forbidden control bytes, parse again
                raw, stripped = strip_control_chars(raw)
                root = etree.fromstring(raw)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as exc:
            result.broken.append(f"{info.filename}: {exc}")
            result.broken_programmes += programmes
            continue
        result.stripped_control_bytes += stripped
        result.documents += 1
        yield Document(root)


class ExportParser:
    """Turns the documents of one export into items; ``today`` decides which deadline is next.

    Two passes over the ZIP keep memory flat: first every linked document (contacts, addresses,
    links, funding bodies) is indexed, then programmes are parsed one at a time and turned into
    items as they stream out, so the big programme trees never pile up.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self.index: dict[str, Document] = {}
        self.subarea_parents = subarea_classifiers()
        self.result = ExportResult(items=[])

    def iter_items(self, data: bytes) -> Iterator[dict[str, Any]]:
        with open_export(data) as archive:
            stray = []  # programmes outside the usual folder: resolved once the index is complete
            for document in iter_documents(archive, self.result, programmes=False):
                if document.type == PROGRAMME_TYPE:
                    stray.append(document)
                else:
                    self.index[document.key] = document
            for document in stray:
                self.result.programmes += 1
                yield self.programme_item(document)
            for document in iter_documents(archive, self.result, programmes=True):
                if document.type == PROGRAMME_TYPE:
                    self.result.programmes += 1
                    yield self.programme_item(document)
                else:
                    self.index[document.key] = document

    # -- linked documents ------------------------------------------------------------------------

    def resolve(self, target: str) -> Document | None:
        document = self.index.get(document_key(target))
        if document is None:
            self.result.unresolved_links += 1
        return document

    def title_of(self, document: Document) -> str:
        return " ".join(document.plain("gsb:title").split())

    def link_of(self, target: str) -> dict[str, Any] | None:
        document = self.resolve(target)
        if document is None:
            return None
        url = document.string("gsb:url") or public_url(document.key)
        title = _LINK_SUFFIX.sub("", self.title_of(document)) or url
        return {"title": title, "url": url}

    def contact_of(self, target: str) -> dict[str, Any] | None:
        document = self.resolve(target)
        if document is None:
            return None
        contact: dict[str, Any] = {"name": self.title_of(document)}
        for field_name, prop in (
            ("email", "gsb:email"),
            ("phone", "gsb:phone"),
            ("fax", "gsb:fax"),
            ("mobile", "gsb:mobile"),
        ):
            value = document.string(prop)
            if value:
                contact[field_name] = value
        if contact.get("email") and not _EMAIL.match(contact["email"]):
            contact["email_invalid"] = True  # shown as written, never "repaired"
        website = next((link for link in map(self.link_of, document.links("gsb:website")) if link), None)
        if website:
            contact["website"] = website["url"]
        for address_target in document.classified("gsb:cl2Addresses").get("Adresse", []):
            address = self.resolve(address_target)
            if address is None:
                continue
            for field_name, prop in (
                ("road", "gsb:road"),
                ("house_id", "gsb:houseId"),
                ("building", "gsb:building"),
                ("zip_code", "gsb:zipCode"),
                ("city", "gsb:city"),
                ("post_box", "gsb:postBox"),
                ("country", "gsb:country"),
            ):
                value = address.string(prop)
                if value:
                    contact[field_name] = value
            break
        for parent_target in document.classified("gsb:cl2RespTargets").get("UebergeordneteEinheit", []):
            parent = self.resolve(parent_target)
            if parent is not None:
                contact["unit"] = self.title_of(parent)  # the "Ansprechpunkt" card of the web page
                break
        return contact

    # -- programmes ------------------------------------------------------------------------------

    def programme_item(self, document: Document) -> dict[str, Any]:
        key = document.key
        url = public_url(key)
        categories = document.classified("gsb:cl2Processes")

        def codes(classifier: str) -> list[str]:
            found = []
            for href in categories.get(classifier, []):
                if CATEGORY_MARK in href:
                    code = canonical_code(classifier, _code(href))
                    if code not in found:
                        found.append(code)
            return found

        subareas = []
        for classifier, hrefs in document.classified("gsb:cl2Satisfaction").items():
            parent = self.subarea_parents.get(classifier) or classifier.removeprefix("UF").lower()
            for href in hrefs:
                code = f"{parent}.{_code(href)}"
                if code not in subareas:
                    subareas.append(code)

        funder_targets = categories.get("Foerderorganisation", []) + [
            href for href in categories.get("Foerdergeber", []) if CATEGORY_MARK not in href
        ]
        funders = [self.title_of(body) for body in map(self.resolve, funder_targets) if body is not None]
        contacts = [c for c in map(self.contact_of, document.classified("gsb:cl2Contacts").get("Kontakt", [])) if c]
        contact = dict(contacts[0]) if contacts else {}
        if len(contacts) > 1:
            contact["more"] = contacts[1:]
        links = []
        for targets in document.classified("gsb:cl2CustServices").values():
            for link in map(self.link_of, targets):
                if link and link not in links:
                    links.append(link)

        raw = {name.removeprefix("gsb:"): markup for name in RAW_FIELDS if (markup := document.richtext(name))}
        texts = {item_field: document.plain(prop) for item_field, prop in TEXT_FIELDS.items()}
        deadline = parse_first_deadlines(
            [texts["deadline_text"], texts["description_text"], document.plain("gsb:procMethod")],
            today=self.today,
            status_note=texts["status_note"],
        )
        folder = key.partition("/Foerderprogramm/")[2].split("/")
        id_url, id_hash = correlaid_ids(key)
        extra = {
            "id_url": id_url,
            "id_hash": id_hash,
            "slug": document.name,
            "date_of_issue": document.string("gsb:dateOfIssue"),
            "foerdergeber": codes("Foerdergeber"),
            "grw": codes("GRW"),
            "unternehmensgroesse": codes("Unternehmensgroesse"),
            "branchen": sorted(set(codes("BranchenUnternehmen")) | set(codes("BranchenExistenzgruenderin"))),
        }
        return {
            "natural_key": natural_key(key),
            "url": url,
            "kind": "programme",
            "title": self.title_of(document),
            **texts,
            "keywords": document.string("gsb:keywords"),
            "raw": raw,
            "level": LEVELS.get(folder[0], "other") if len(folder) > 1 else "other",
            "funder": "; ".join(funders),
            "funding_types": codes("Foerderart"),
            "funding_areas": codes("Foerderbereich"),
            "funding_subareas": subareas,
            "regions": codes("Foerdergebiet"),
            "eligible_applicants": codes("Foerderberechtigte"),
            "contact": contact,
            "links": links,
            **funding_columns("", texts["teaser_text"], texts["description_text"], texts["eligibility_text"]),
            **deadline_fields(deadline, kind="programme", today=self.today),
            "attribution": attribution(url),
            "extra": extra,
        }


def attribution(url: str) -> str:
    """The licence line stored with every programme (CC BY-ND: rights holder, licence, source URL)."""
    return f"{ATTRIBUTION} ({LICENCE_URL}), {url}"


def parse_export(data: bytes, *, today: date) -> ExportResult:
    """Parse an export ZIP into a list of programme items; raises ``ExportFormatError`` if it is no ZIP."""
    parser = ExportParser(today)
    parser.result.items = list(parser.iter_items(data))
    return parser.result
