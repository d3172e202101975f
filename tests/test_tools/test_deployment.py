"""tools/deployment: ONNX and TorchScript export, parity checked."""
import torch

from tiny_model import (TINY_CONFIG, check_one_line_error, deeper_checkpoint,
                        run_tiny)


def test_export_tool_checks_parity_on_odd_sizes_and_batch_2(tiny):
    log = tiny.export_log
    for shape in ('(1, 3, 360, 640)', '(1, 3, 256, 256)', '(1, 3, 67, 93)',
                  '(1, 3, 255, 257)', '(2, 3, 67, 93)'):
        line = next(line for line in log.splitlines() if shape in line)
        assert line.rstrip().endswith('yes'), line
    assert 'NO' not in log


def test_torchscript_export_keeps_dynamic_sizes(tiny, tmp_path):
    out = tmp_path / 'tiny.pt'
    proc = run_tiny('deployment/pytorch2torchscript.py', tiny.config,
                    tiny.checkpoint, '--out', out, '--shape', 64, 64)
    log = proc.stdout + proc.stderr
    assert '(1, 3, 255, 257)' in log and 'NO' not in log
    traced = torch.jit.load(str(out))
    x = torch.rand(2, 3, 33, 47) * 255
    with torch.no_grad():
        assert traced(x).shape == (2, 19, 33, 47)


def test_export_refuses_a_checkpoint_of_a_deeper_encoder(tmp_path):
    checkpoint = deeper_checkpoint(tmp_path / 'r34.pth')
    out = tmp_path / 'm.onnx'
    proc = run_tiny('deployment/pytorch2onnx.py', TINY_CONFIG, checkpoint,
                    '--out', out, check=False)
    check_one_line_error(proc, f'checkpoint {checkpoint} does not fit',
                         str(TINY_CONFIG), 'imply a ResNet-34 backbone')
    assert not out.exists()
