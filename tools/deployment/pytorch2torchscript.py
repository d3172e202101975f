"""Export a segmentor to TorchScript with ``torch.jit.trace``.

As the ONNX export, at any batch, height and width, checked against the
eager model on other sizes (TorchScript is deprecated in torch 2.13).

Example::

    python tools/deployment/pytorch2torchscript.py \\
        configs/linknet_cityscapes.py ckpt.pth --out linknet.pt
"""
import sys
import time
import warnings

import torch
from export_tool import export_parser, model_to_export, report_export_check
from mmengine.logging import print_log

from linknet_mm.deploy import check_export, export_torchscript
from linknet_mm.errors import LinkNetError, error_line


def main() -> int:
    """Trace, save, reload and check; the exit status is 1 if the traced
    module differs from eager."""
    args = export_parser('Export a model to TorchScript (torch.jit.trace)',
                         'TorchScript file to write').parse_args()
    model = model_to_export(args.config, args.checkpoint, args.cfg_options,
                            args.out)
    start = time.perf_counter()
    export_torchscript(model, args.out, tuple(args.shape))
    print_log(
        f'wrote {args.out} in {time.perf_counter() - start:.1f} s',
        logger='current')
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        traced = torch.jit.load(args.out)
    rows = check_export(model, traced)
    return report_export_check(rows, 'TorchScript vs eager PyTorch',
                               'the traced module differs from eager')


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error_line(error)}')
