"""A tiny LinkNet, its checkpoint and its ONNX export, made once a session.

Imported by the tool tests of this folder; the files live in pytest's
session base temp dir, so the ~10 s export runs once for all modules.
"""
from pathlib import Path
from typing import NamedTuple

import numpy as np
import onnx
import torch
from mmengine.runner import save_checkpoint
from onnx import TensorProto, helper, numpy_helper

from conftest import run_tool
from linknet_mm.apis import init_segmentor

#: Environment of the tool runs: one intra-op thread, as a tiny model gains
#: nothing from two and a second thread stalls when other processes take
#: its core.
TOOL_ENV = {'OMP_NUM_THREADS': '1'}
#: Input sizes the exports are checked on: square, odd, tall, a batch of two.
ODD_SHAPES = ((1, 64, 64), (1, 67, 93), (1, 255, 257), (2, 33, 47))
TINY_CONFIG = Path(__file__).resolve().parent / 'data' / 'configs' / \
    'tiny_linknet_cityscapes.py'


class TinyFiles(NamedTuple):
    """Files of the tiny model."""
    config: Path
    checkpoint: Path
    onnx: Path
    export_log: str  # output of ``pytorch2onnx.py --check``


def run_tiny(*args, check: bool = True):
    """``conftest.run_tool`` with :data:`TOOL_ENV`.

    Args:
        *args: Tool path under tools/ and its arguments.
        check (bool): Fail on a non-zero exit. Defaults to True.

    Returns:
        subprocess.CompletedProcess: With text stdout and stderr.
    """
    return run_tool(*args, env=TOOL_ENV, check=check)


def tiny_files(tmp_path_factory) -> TinyFiles:
    """The tiny model's checkpoint and ONNX file, made on first use.

    Args:
        tmp_path_factory: pytest's fixture.

    Returns:
        TinyFiles: Config, checkpoint (random weights, seed 0, BN
        statistics randomised so folding them matters), ONNX export and
        the export tool's log.
    """
    folder = tmp_path_factory.getbasetemp() / 'tiny_linknet'
    files = TinyFiles(TINY_CONFIG, folder / 'tiny.pth', folder / 'tiny.onnx',
                      '')
    log = folder / 'export.log'
    if log.is_file():
        return files._replace(export_log=log.read_text())
    folder.mkdir(exist_ok=True)
    torch.manual_seed(0)
    model = init_segmentor(TINY_CONFIG)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2)
    save_checkpoint({
        'state_dict': model.state_dict(),
        'meta': {}
    }, str(files.checkpoint))
    proc = run_tiny('deployment/pytorch2onnx.py', TINY_CONFIG,
                    files.checkpoint, '--out', files.onnx, '--check')
    log.write_text(proc.stdout + proc.stderr)
    return files._replace(export_log=log.read_text())


def foreign_onnx(path: Path, in_channels: int, classes: int) -> Path:
    """Write a one-conv ONNX segmentor of another shape than the config's.

    Args:
        path (Path): File to write.
        in_channels (int): Channels it takes.
        classes (int): Channels it returns.

    Returns:
        Path: ``path``.
    """
    weight = numpy_helper.from_array(
        np.zeros((classes, in_channels, 1, 1), np.float32), 'w')
    graph = helper.make_graph(
        [helper.make_node('Conv', ['input', 'w'], ['logits'])],
        'foreign', [
            helper.make_tensor_value_info('input', TensorProto.FLOAT,
                                          ['N', in_channels, 'H', 'W'])
        ], [
            helper.make_tensor_value_info('logits', TensorProto.FLOAT,
                                          ['N', classes, 'H', 'W'])
        ],
        initializer=[weight])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def deeper_checkpoint(path: Path, config: Path = TINY_CONFIG) -> Path:
    """Save random weights of ``config`` with a ResNet-34 encoder.

    What a user passes who mixes up the R-18 and R-34 checkpoints: every
    tensor of the config's ResNet-18 is there in its shape, and 80 more.

    Args:
        path (Path): File to write.
        config (Path): Config of the model. Defaults to the tiny one.

    Returns:
        Path: ``path``.
    """
    model = init_segmentor(config, cfg_options={'model.backbone.depth': 34})
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}}, str(path))
    return path


def check_one_line_error(proc, *parts: str) -> str:
    """Assert a tool stopped with one ``error:`` line holding ``parts``.

    Args:
        proc (subprocess.CompletedProcess): The tool's run.
        *parts (str): Texts the line must contain.

    Returns:
        str: The line.
    """
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: '), last
    for part in parts:
        assert part in last, last
    return last
