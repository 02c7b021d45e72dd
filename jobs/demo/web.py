"""The demo's web-form complainant: a citizen who uses the office's public complaint form
(`pengaduan publik`) beside those who email. Recorded by office.public_intake.submit, the
function the form's page calls, then handled by the same officials' replies; the citizen
gives their word on the answer by replying to the delivery mail."""

from __future__ import annotations

from office.public_intake import PublicComplaint, Sending, submit

WEB_CITIZEN = ("Rina Wulandari", "rina.wulandari@warga.test", "Jalan berlubang di depan SDN 012 Bukuan",
               "Jalan di depan SDN 012 Kelurahan Bukuan berlubang besar sejak hujan deras bulan lalu. "
               "Anak-anak dan pengendara motor sering terjatuh. Mohon segera diperbaiki.")

# What each official answers about it, per step (6 is the approval, 4a), as SCRIPT in jobs.demo.
WEB_SCRIPT = {
    2: "Sudah dicek bersama Lurah Bukuan: lubang sekitar 1 meter di depan SDN 012.\nSeksi: Pemerintahan",
    3: "Koordinasikan penambalan dengan Dinas PUPR Kota Samarinda dalam 5 hari kerja.\nRapat: tidak",
    4: "Penambalan jalan di depan SDN 012 Kelurahan Bukuan telah dikoordinasikan dengan Dinas PUPR Kota "
       "Samarinda dan dijadwalkan selesai paling lambat 5 (lima) hari kerja.",
    6: "Setuju",
    5: "Jawaban telah dikirim melalui surel.",
}
WEB_FEEDBACK = "3"  # a rating on the SKM scale: satisfied


def send_web_complaint(office, now, echo) -> str:
    """The citizen fills in the Formulir Pengaduan; returns the register number."""
    name, email, subject, body = WEB_CITIZEN
    outcome = submit(office, PublicComplaint(name=name, phone="+6281250001234", email=email,
                                             address="Jl. Pendidikan No. 3, RT 005/RW 002", subject=subject, body=body),
                     Sending(address="127.0.0.1", form_token="peragaan"), now)
    assert outcome.row is not None
    echo(f"Warga {name} mengisi Formulir Pengaduan di laman kantor: {subject} "
         f"(nomor {outcome.row.number}, kode akses {outcome.row.access_code})")
    return outcome.row.number
