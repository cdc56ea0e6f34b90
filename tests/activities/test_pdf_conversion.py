"""A rendered letter opens in LibreOffice: converted to PDF headless, it has at least one page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from activities.documents import DocumentActivities
from tests.activities.test_letters import letter_request

CONVERSION_TIMEOUT_SECONDS = 180
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def test_mise_en_demeure_converts_to_a_pdf(documents: DocumentActivities, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    # Fails rather than skips: CI installs LibreOffice through .ci/run.
    assert soffice, "LibreOffice (soffice) est introuvable : installer libreoffice-writer-nogui"
    request = letter_request("mise_en_demeure")
    source = tmp_path / "mise_en_demeure.docx"
    source.write_bytes(documents.render_bytes(request.kind, documents.resolve_context(request)))

    # A profile of its own: a LibreOffice already running for the user would take the job.
    profile = (tmp_path / "profil-libreoffice").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=CONVERSION_TIMEOUT_SECONDS,
    )

    pdf = (tmp_path / "mise_en_demeure.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(PAGE_OBJECT.findall(pdf)) >= 1
