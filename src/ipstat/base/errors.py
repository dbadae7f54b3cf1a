"""Errors a user can cause; each becomes a finding or a clear message, never a traceback."""

import errno


class IpstatError(Exception):
    """Base of every error ipstat expects a user to be able to cause."""


class WorkbookError(IpstatError):
    """This workbook cannot be read; the message (Vietnamese) says why and what to do."""


class InputError(IpstatError):
    """The command was given something unusable: no such path, no workbook in a folder."""


# What the operating system said, in Vietnamese: the strerror is English (or the system's own
# language), and a clerk needs to know what to do about it.
_ERRNO_TEXT = {
    "ENOENT": "không tìm thấy tệp hoặc thư mục",
    "EEXIST": "đã có một tệp hoặc thư mục cùng tên",
    "EACCES": "không có quyền ghi, hoặc tệp đang mở trong chương trình khác: hãy đóng tệp "
    "(hoặc chọn thư mục được phép ghi) rồi chạy lại",
    "EPERM": "hệ điều hành không cho phép thao tác này: hãy kiểm tra quyền của tệp hoặc thư mục",
    "EISDIR": "ở đó là một thư mục chứ không phải tệp",
    "ENOTDIR": "một phần của đường dẫn là tệp chứ không phải thư mục",
    "ENOSPC": "ổ đĩa đã đầy: hãy giải phóng chỗ trống rồi chạy lại",
    "EROFS": "ổ đĩa hoặc thư mục chỉ cho đọc: hãy chọn nơi khác để ghi",
    "ENAMETOOLONG": "tên tệp hoặc đường dẫn quá dài: hãy đặt tên ngắn hơn",
    "EBUSY": "tệp đang được chương trình khác sử dụng: hãy đóng tệp rồi chạy lại",
    "ENOTEMPTY": "thư mục không trống",
}
_WINERROR_TEXT = {
    32: "tệp đang mở trong chương trình khác: hãy đóng tệp rồi chạy lại",
    5: "không có quyền ghi, hoặc tệp đang mở trong chương trình khác: hãy đóng tệp rồi chạy lại",
}


def os_error_text(exc: OSError) -> str:
    """Vietnamese for an OS error, without the file name (the caller knows which file it was)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR_TEXT:
        return _WINERROR_TEXT[winerror]
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _ERRNO_TEXT:
        return _ERRNO_TEXT[name]
    code = name or exc.errno or winerror
    return "hệ điều hành báo lỗi khi đọc hoặc ghi tệp" + (f" (mã lỗi {code})" if code else "")
