"""One training run per work dir."""
import os
import socket
import subprocess
import sys

import pytest

from linknet_mm.engine.runner.work_dir_lock import (LOCK_NAME, lock_holder,
                                                    training_lock,
                                                    work_dir_lock)
from linknet_mm.errors import ConfigError, WorkDirInUseError


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


def test_lock_taken_again_by_its_holder_is_kept(tmp_path):
    with work_dir_lock(str(tmp_path)):
        with work_dir_lock(str(tmp_path)):  # SafeRunner.train in train.py
            pass
        assert (tmp_path / LOCK_NAME).exists()
    assert not (tmp_path / LOCK_NAME).exists()


@pytest.fixture
def busy_dir(tmp_path):
    """A work dir whose lock a live process holds."""
    sleeper = subprocess.Popen(
        [sys.executable, '-c', 'import time; time.sleep(60)'])
    (tmp_path / LOCK_NAME).write_text(f'{socket.gethostname()} {sleeper.pid}')
    yield tmp_path, sleeper.pid
    sleeper.kill()
    sleeper.wait()


def test_lock_holder_names_a_live_other_process_only(busy_dir, tmp_path):
    work_dir, pid = busy_dir
    assert lock_holder(str(work_dir)) == \
        f'process {pid} on {socket.gethostname()}'
    free = tmp_path / 'free'
    assert lock_holder(str(free)) is None
    free.mkdir()
    with work_dir_lock(str(free)):
        assert lock_holder(str(free)) is None  # our own


def test_training_lock_refuses_before_creating_anything(busy_dir):
    work_dir, pid = busy_dir
    with pytest.raises(WorkDirInUseError, match=f'process {pid}'):
        with training_lock(str(work_dir)):
            pytest.fail('a refused run must not start')
    assert os.listdir(work_dir) == [LOCK_NAME]


def test_training_lock_creates_the_work_dir(tmp_path):
    work_dir = tmp_path / 'new' / 'run'
    with training_lock(str(work_dir)):
        assert (work_dir / LOCK_NAME).exists()
    assert not (work_dir / LOCK_NAME).exists()


def test_training_lock_is_rank_0s(busy_dir, monkeypatch):
    work_dir, _ = busy_dir
    monkeypatch.setenv('RANK', '1')
    with training_lock(str(work_dir), 'pytorch'):  # not taken: no refusal
        pass
    monkeypatch.setenv('RANK', '0')
    with pytest.raises(WorkDirInUseError):
        with training_lock(str(work_dir), 'pytorch'):
            pass
