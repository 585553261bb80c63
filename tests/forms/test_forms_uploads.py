import pytest

from forms import check_upload, validate_submission

MB = 1024 * 1024


@pytest.mark.parametrize("filename, content_type", [
    ("整改报告.pdf", "application/pdf"),
    ("方案.DOCX", "application/octet-stream"),
    ("现场照片.jpg", "image/jpeg"),
    ("scan.heic", "image/heic"),
])
def test_evidence_of_an_accepted_type_is_let_through(improvement, filename, content_type):
    assert check_upload(improvement, "evidence", filename, 2 * MB, content_type) is None


@pytest.mark.parametrize("filename, content_type", [
    ("病毒.exe", "application/x-msdownload"),
    ("伪装.exe", "image/png"),  # the browser's claim does not beat the extension
    ("drawing.svg", "image/svg+xml"),  # image/* means photos; SVG can carry script
    ("noextension", ""),
])
def test_evidence_of_another_type_is_refused_with_the_allowed_list(improvement, filename, content_type):
    assert check_upload(improvement, "evidence", filename, MB, content_type) == \
        "不支持此文件类型，允许的类型：.pdf,.docx,image/*。"


def test_evidence_over_the_forms_size_limit_is_refused(improvement):
    assert check_upload(improvement, "evidence", "a.pdf", 5 * MB, "application/pdf") is None
    assert check_upload(improvement, "evidence", "a.pdf", 5 * MB + 1, "application/pdf",
                        locale="en") == "The file must not be larger than 5 MB."


def test_without_a_form_limit_the_default_size_limit_applies(review):
    assert check_upload(review, "signature", "签字.pdf", 20 * MB, "application/pdf") is None
    assert check_upload(review, "signature", "签字.pdf", 20 * MB + 1, "application/pdf") == "文件不能超过 20 MB。"
    assert check_upload(review, "signature", "签字.pdf", 3 * MB, "application/pdf", default_max_mb=2) == \
        "文件不能超过 2 MB。"


def test_upload_to_a_field_that_is_not_a_filepicker_is_refused(review):
    assert check_upload(review, "comment", "a.pdf", 10, "application/pdf") == "此项不接受文件上传。"
    assert check_upload(review, "nope", "a.pdf", 10, "application/pdf", locale="en") == \
        "This field does not accept files."


def test_empty_file_is_refused(improvement):
    assert check_upload(improvement, "evidence", "a.pdf", 0, "application/pdf") == "文件为空，请重新选择。"


def test_required_filepicker_needs_at_least_one_stored_file(improvement):
    data = {"title": "x", "rows": [{"measure": "y"}]}
    assert validate_submission(improvement, {**data, "evidence": []})[1] == {"evidence": "此项为必填项。"}
    assert validate_submission(improvement, data)[1] == {"evidence": "此项为必填项。"}


def test_file_references_are_normalised_and_bad_ones_refused(improvement, review):
    ref = {"evidence_id": "7", "filename": "a.pdf", "size": 10, "content_type": "application/pdf", "x": 1}
    clean, _ = validate_submission(improvement, {"title": "x", "evidence": [ref]})
    assert clean["evidence"] == [{"evidence_id": 7, "filename": "a.pdf", "size": 10,
                                  "content_type": "application/pdf"}]
    _, errors = validate_submission(improvement, {"title": "x", "evidence": [{"filename": "a.pdf"}]})
    assert errors == {"evidence": "文件信息无效，请重新上传。"}


def test_single_filepicker_takes_one_file(review, valid_review):
    two = [{"evidence_id": i, "filename": f"{i}.pdf", "size": 1, "content_type": "application/pdf"}
           for i in (1, 2)]
    assert validate_submission(review, {**valid_review, "signature": two})[1] == {"signature": "只能上传一个文件。"}
