"""One run at a time in a folder: a second one waits, says for whom, and gives up in time."""

import os
from pathlib import Path

import pytest

from ipstat.base.locks import LOCK_NAME, FolderBusy, folder_lock


def test_a_second_run_waits_then_names_who_holds_the_folder(tmp_path: Path) -> None:
    heard: list[str] = []
    second = folder_lock(tmp_path, "thư mục kết quả", wait=0.3, waiting=heard.append)
    with folder_lock(tmp_path, "thư mục kết quả"), pytest.raises(FolderBusy) as busy:
        second.__enter__()
    message = str(busy.value)
    assert message.startswith(f"Thư mục kết quả {tmp_path} đang được một lần chạy ipstat khác")
    assert f"tiến trình {os.getpid()}" in message and "đã chờ 0 giây" in message
    assert len(heard) == 1 and f"tiến trình {os.getpid()}" in heard[0]


def test_the_lock_file_goes_with_the_run(tmp_path: Path) -> None:
    with folder_lock(tmp_path, "thư mục kết quả"):
        assert (tmp_path / LOCK_NAME).exists()
    assert not (tmp_path / LOCK_NAME).exists()
    with folder_lock(tmp_path, "thư mục kết quả", wait=0):  # free again at once
        pass
