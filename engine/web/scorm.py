"""`hungary56 web --scorm`: the same site as a SCORM 1.2 package (a zip with `imsmanifest.xml`) that
Moodle, Canvas and other LMSs accept; the page reports "completed" through the LMS's API at an
ending (`static/scorm.js`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from engine.core.errors import WebBuildError
from engine.core.model import Story
from engine.io.atomic import write_atomically

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def manifest(story: Story, names: list[str]) -> str:
    """imsmanifest.xml: one organization, one item, one SCO resource listing every file."""
    ident = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in story.id) or "story"
    files = "\n".join(f"      <file href={quoteattr(name)}/>" for name in sorted(names))
    title = escape(story.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="hungary56-{ident}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-{ident}">
    <organization identifier="org-{ident}">
      <title>{title}</title>
      <item identifier="item-{ident}" identifierref="sco-{ident}">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-{ident}" type="webcontent" adlcp:scormtype="sco" href="index.html">
{files}
    </resource>
  </resources>
</manifest>
"""


def package(story: Story, files: dict[str, bytes]) -> bytes:
    """The zip: the site's files (made with scorm=True) and the manifest at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = {**files, "imsmanifest.xml": manifest(story, list(files)).encode("utf-8")}
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".zip") else zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def write_package(story: Story, files: dict[str, bytes], out: Path) -> None:
    if out.is_dir():
        raise WebBuildError(f"{out}: is a folder; --scorm writes a .zip file")
    try:
        write_atomically(out, package(story, files))
    except OSError as exc:
        raise WebBuildError(f"{out}: cannot write the package ({exc.strerror or exc})") from None
