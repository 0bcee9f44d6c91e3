"""The patient's current program on paper: a printable page and a PDF.

The PDF is drawn with fpdf2: pure Python, no system binary (WeasyPrint needs Pango
and friends, xhtml2pdf pulls in ReportLab and a CSS engine for what is a list of
exercises). Text is set in DejaVu Sans when the Debian package fonts-dejavu-core is
installed (full Unicode); otherwise in the PDF core font Helvetica, with the few
characters it lacks replaced."""

import os
import unicodedata
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views import View
from fpdf import FPDF

from patients.models import AuditEvent
from programs.web.present import dose_text, schedule_text
from programs.web.programs import ProgramMixin

FONT_DIR = Path(os.environ.get("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
LATIN_1_STANDINS = {
    "\N{RIGHTWARDS ARROW}": "->",
    "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{HORIZONTAL ELLIPSIS}": "...",
}


class ProgramPrintView(ProgramMixin, View):
    template_name = "programs/program_print.html"

    def get(self, request, pk):
        program = self.clinic_program(pk)
        self.audit(AuditEvent.Action.READ, [program.patient_id])
        return render(request, self.template_name, {"program": program, "patient": program.patient})


class ProgramPdfView(ProgramMixin, View):
    def get(self, request, pk):
        program = self.clinic_program(pk)
        self.audit(AuditEvent.Action.READ, [program.patient_id])
        body = program_pdf(program, clinic_name=self.clinician.clinic.name)
        response = HttpResponse(body, content_type="application/pdf")
        filename = slugify(f"{program.patient} {program.name}") or "program"
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response


class _Document(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family = "body"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(True, margin=15)
        self.set_margins(18, 16, 18)

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        for char, standin in LATIN_1_STANDINS.items():
            value = value.replace(char, standin)
        value = unicodedata.normalize("NFKC", value)
        return value.encode("latin-1", "replace").decode("latin-1")

    def para(self, value: str, *, size: float = 11, bold: bool = False, gap: float = 1.5):
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.text_of(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def program_pdf(program, *, clinic_name: str) -> bytes:
    pdf = _Document()
    pdf.set_title(f"{program.name}: {program.patient}")
    pdf.add_page()
    pdf.para(clinic_name, size=10)
    pdf.para(program.name, size=18, bold=True)
    pdf.para(f"For {program.patient} · from {program.start_date:%-d %B %Y}", size=11, gap=4)
    for number, item in enumerate(program.current_items, start=1):
        exercise = item.exercise
        pdf.para(f"{number}. {exercise.name}", size=13, bold=True, gap=0.5)
        pdf.para(f"{dose_text(item)}; {schedule_text(item)}", size=11, gap=1)
        if item.notes:
            pdf.para(f"Your clinician's note: {item.notes}", size=11, gap=1)
        for title, lines in (("How to do it", exercise.instructions), ("Cues", exercise.cues)):
            if lines:
                pdf.para(title, size=10, bold=True, gap=0)
                for step, line in enumerate(lines, start=1):
                    marker = f"{step}." if title == "How to do it" else "-"
                    pdf.para(f"{marker} {line}", size=10, gap=0)
                pdf.ln(1)
        if exercise.cautions:
            pdf.para("Stop and tell your clinician if: " + " ".join(exercise.cautions), size=10)
        pdf.ln(3)
    return bytes(pdf.output())
