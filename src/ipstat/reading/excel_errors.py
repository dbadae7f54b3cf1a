"""Excel's error values, said in Vietnamese: what a clerk sees in a cell and what it means."""

ERROR_MEANINGS = {
    "#N/A": "không có giá trị, thường do hàm tra cứu không tìm thấy",
    "#DIV/0!": "công thức chia cho 0",
    "#REF!": "công thức tham chiếu đến ô đã bị xóa",
    "#VALUE!": "công thức dùng sai kiểu giá trị",
    "#NAME?": "công thức dùng tên hàm hoặc tên vùng không có",
    "#NUM!": "công thức cho kết quả không phải số hợp lệ",
    "#NULL!": "công thức dùng hai vùng không giao nhau",
    "#SPILL!": "kết quả của công thức bị chặn bởi ô khác",
    "#CALC!": "công thức không tính được",
    "#GETTING_DATA": "Excel đang tải dữ liệu, chưa có kết quả",
}


def error_meaning(error: str) -> str:
    return ERROR_MEANINGS.get(error.upper(), "giá trị lỗi của Excel")
