"""Config handling shared by the command-line tools."""
import difflib
import os
import os.path as osp
from pathlib import Path
from typing import Optional

from mmengine.config import Config

from ..errors import ConfigError

# runtime keys that the tools and the Runner read but configs need not set
RUNTIME_KEYS = frozenset({
    'work_dir', 'load_from', 'resume', 'launcher', 'randomness', 'cfg',
    'experiment_name', 'auto_scale_lr', 'find_unused_parameters', 'sync_bn',
    'model_wrapper_cfg', 'data_root', 'compile'
})
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def read_config(path: str) -> Config:
    """Read a config file; a missing one is a :class:`ConfigError`.

    Args:
        path (str): Config file.

    Returns:
        Config: The config.
    """
    if not Path(path).is_file():
        raise ConfigError(f'config file {str(path)!r} not found; configs '
                          'live in configs/, e.g. '
                          'configs/linknet_cityscapes.py')
    return Config.fromfile(str(path))


def load_tool_config(path: str,
                     options: Optional[dict] = None,
                     work_dir: Optional[str] = None,
                     launcher: str = 'none') -> Config:
    """Load a config for a tool: checked ``--cfg-options``, work dir, launcher.

    A key whose path does not exist in the config (a typo such as
    ``modle.backbone.depth``) is an error naming the key and the closest
    existing one. New leaves under an existing dict are allowed: the class
    that receives them checks them when it is built. ``data_root`` also
    replaces the data root of every dataloader that used the config's.

    Args:
        path (str): Config file.
        options (dict, optional): Parsed ``--cfg-options``.
            Defaults to None.
        work_dir (str, optional): ``--work-dir``; without it the config's,
            else ``./work_dirs/<config name>``. It must be writable.
            Defaults to None.
        launcher (str): ``--launcher``. Defaults to 'none'.

    Returns:
        Config: The merged config.
    """
    cfg = read_config(path)
    options = dict(options or {})
    for key in options:
        _check_key(cfg, key)
    old_root = cfg.get('data_root')
    cfg.merge_from_dict(options)
    if 'data_root' in options:
        for loader in DATALOADERS:
            dataset = cfg.get(loader, {}).get('dataset', {})
            if dataset.get('data_root') == old_root:
                dataset['data_root'] = options['data_root']
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    check_work_dir(cfg.work_dir)
    return cfg


def _check_key(cfg: Config, key: str) -> None:
    """Raise if a dotted ``--cfg-options`` key has no existing parent.

    Args:
        cfg (Config): The config before merging.
        key (str): Dotted key, e.g. ``model.backbone.depth``.
    """
    parts = key.split('.')
    node = cfg._cfg_dict.to_dict()
    for depth, part in enumerate(parts):
        is_leaf = depth == len(parts) - 1
        known = list(node) if isinstance(node, dict) else []
        if isinstance(node, (list, tuple)) and part.isdigit():
            if int(part) >= len(node):
                where = '.'.join(parts[:depth])
                raise ConfigError(f'--cfg-options {key}: {where} has '
                                  f'{len(node)} items, no index {part}')
            node = node[int(part)]
            continue
        if part in known:
            node = node[part]
            continue
        if is_leaf and depth > 0 and isinstance(node, dict):
            return  # a new argument of an existing component
        if depth == 0 and part in RUNTIME_KEYS:
            return
        close = difflib.get_close_matches(part, known, n=1)
        hint = f'; did you mean {".".join(parts[:depth] + close)!r}?' \
            if close else ''
        where = '.'.join(parts[:depth]) or 'the top level of the config'
        raise ConfigError(f'--cfg-options {key}: {where} has no key '
                          f'{part!r}{hint}')


def check_work_dir(work_dir: str) -> None:
    """Create ``work_dir`` if needed and make sure files can be written.

    Args:
        work_dir (str): The run's work directory.
    """
    probe = Path(work_dir) / f'.write_test_{os.getpid()}'
    try:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise ConfigError(f'work dir {work_dir} is not writable ({err}); '
                          'choose another with --work-dir') from err
