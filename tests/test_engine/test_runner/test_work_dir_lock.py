"""One training run per work dir."""
import os
import socket
import subprocess
import sys

import pytest

from linknet_mm.engine.runner.work_dir_lock import LOCK_NAME, work_dir_lock
from linknet_mm.errors import ConfigError


def test_lock_is_held_during_the_run_and_released(tmp_path):
    with work_dir_lock(str(tmp_path)):
        content = (tmp_path / LOCK_NAME).read_text()
        assert content == f'{socket.gethostname()} {os.getpid()}'
    assert not (tmp_path / LOCK_NAME).exists()


def test_second_run_is_refused_naming_dir_and_process(tmp_path):
    sleeper = subprocess.Popen([sys.executable, '-c',
                                'import time; time.sleep(60)'])
    try:
        (tmp_path / LOCK_NAME).write_text(
            f'{socket.gethostname()} {sleeper.pid}')
        with pytest.raises(ConfigError) as error:
            with work_dir_lock(str(tmp_path)):
                pass
        message = str(error.value)
        assert str(tmp_path) in message and str(sleeper.pid) in message
        # the other run's lock stays
        assert (tmp_path / LOCK_NAME).exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_lock_of_an_ended_process_is_taken_over(tmp_path):
    ended = subprocess.Popen([sys.executable, '-c', 'pass'])
    ended.wait()
    (tmp_path / LOCK_NAME).write_text(f'{socket.gethostname()} {ended.pid}')
    with work_dir_lock(str(tmp_path)):
        assert (tmp_path / LOCK_NAME).read_text().endswith(str(os.getpid()))
    assert not (tmp_path / LOCK_NAME).exists()
