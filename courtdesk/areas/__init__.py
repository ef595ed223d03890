"""The areas of the court's office work: one package each, declared by its ``AREA``
(see :mod:`courtdesk.kernel.area`). They are discovered; :data:`INDEX` only says, by name, what each
declares, so one command can import one area (kept equal to the declarations by a test)."""

#: What each area declares, by name only, so that a command working in one area (``render KIND``,
#: ``print-register KEY``) imports that area alone (see :func:`courtdesk.kernel.area.declaring`).
#: A hint, never the truth: the areas' ``AREA`` declarations are, and
#: tests/kernel/test_area_index.py fails when this index differs from them in any name.
INDEX: dict[str, dict[str, tuple[str, ...]]] = {
    "system": {},
    "enforcement": {
        "documents": ("investigation_letter", "seizure_transcript"),
        "registers": ("enforcement_case", "outgoing_letter", "seizure", "seizure_notice", "recipient_unit"),
    },
    "seals": {
        "registers": ("seal_use", "seal"),
    },
    "letters": {
        "documents": ("introduction_letter",),
        "registers": ("blank_letterhead", "introduction_letter"),
    },
    "finance": {
        "documents": ("expense_claim", "receipt_paste_sheet", "claim_payment_receipt", "advance_slip"),
        "registers": ("finance_claim", "finance_batch", "finance_advance", "finance_open_advance",
                      "finance_month_total"),
    },
    "secrecy": {
        "documents": ("secrecy_approval", "secrecy_dispatch", "secrecy_destruction", "secrecy_loans",
                      "secrecy_handover", "secrecy_staff_form", "secrecy_holiday_media", "secrecy_computer_form",
                      "secrecy_leak_report"),
        "registers": ("secrecy_item", "secrecy_copy", "secrecy_staff", "secrecy_computer", "secrecy_medium",
                      "secrecy_holiday", "secrecy_leak", "secrecy_meeting", "secrecy_key_place", "secrecy_letter",
                      "secrecy_departments", "secrecy_inspection", "secrecy_rectification"),
    },
    "it": {
        "documents": ("it_ip_allocation", "it_asset_label", "it_request_form", "it_repair_form", "it_scrap_form",
                      "it_change_form", "it_external_form"),
        "registers": ("it_asset", "it_subnet", "it_request", "it_repair", "it_scrap", "it_change", "it_external",
                      "it_contract", "it_backup_system", "it_backup"),
    },
}
