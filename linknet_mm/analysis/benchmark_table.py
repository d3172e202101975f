"""The result of :func:`~.benchmark.benchmark` as text."""
from typing import List

from ..deploy.parity_verdict import MAX_DICE_CHANGE, MAX_MIOU_CHANGE

#: Other processes' average busy cores above which timings are flagged.
BUSY_CORES = 0.25


def format_table(result: dict) -> str:
    """The results as text.

    Args:
        result (dict): The benchmark results.

    Returns:
        str: Tables of inference and training figures.
    """
    lines = _inference_lines(result)
    if result.get('training'):
        lines += _training_lines(result)
    lines.append('')
    lines.append(
        f"peak RSS of the whole run: {result['peak_rss_mib']:.0f} "
        'MiB (largest child process, e.g. a DataLoader worker, shared '
        'pages included: '
        f"{result['children_peak_rss_mib']:.0f} MiB)")
    for phase, cores in result['other_cpu_cores'].items():
        if cores is not None and cores > BUSY_CORES:
            lines.append(
                f'WARNING: other processes kept {cores:.2f} of '
                f"{result['machine']['cores']} cores busy during the "
                f'{phase} timings; they are slowed by it: run again on an '
                'idle machine')
    return '\n'.join(lines)


def _inference_lines(result: dict) -> List[str]:
    """The machine, the model and the inference table.

    Args:
        result (dict): The benchmark results.

    Returns:
        list[str]: Lines of text.
    """
    m = result['machine']
    others = ', '.join(f'{phase} {cores:.2f}'
                       for phase, cores in result['other_cpu_cores'].items()
                       if cores is not None)
    lines = [
        f"machine: {m['cpu']} ({' '.join(m['cpu_flags']) or 'no AVX2'}), "
        f"{m['cores']} cores, torch threads "
        f"{m['torch_threads']}; cores kept busy by other processes: "
        f'{others or "unknown"}',
        f"model: {result['config']}, {result['params'] / 1e6:.2f}M "
        f"parameters, {result['flops'] / 1e9:.2f} GFLOPs at "
        f"{result['size'][0]}x{result['size'][1]} (1 multiply-add = "
        '1 FLOP)', '',
        f'{"backend":<13}{"batch":>6}{"latency ms":>12}{"images/s":>10}'
        f'{"x eager":>9}{"peak MiB":>10}{"busy*":>7}{"agree %":>9}'
        f'{"dmIoU":>7}{"ddice":>7}  parity'
    ]
    parity = result.get('parity', {})
    for row in result['inference']:
        ratio = result['speedup'][str(row['batch'])][row['backend']]
        busy = row['other_cpu_cores']
        busy = '-' if busy is None else f'{busy:.2f}'
        lines.append(f"{row['backend']:<13}{row['batch']:>6}"
                     f"{row['latency_ms']:>12.1f}{row['images_per_s']:>10.2f}"
                     f'{ratio:>9.2f}{row["peak_rss_mib"]:>10.0f}{busy:>7}'
                     f'{_parity_cells(parity, row["backend"])}')
    lines.append('* cores kept busy by other processes while timing')
    lines += _parity_notes(result)
    return lines


def _parity_cells(parity: dict, backend: str) -> str:
    """Agreement, mIoU and Dice change and verdict of one backend.

    Args:
        parity (dict): Parity figures per backend (eager's under 'fp32');
            empty if not checked.
        backend (str): The backend.

    Returns:
        str: The cells, '-' where not checked.
    """
    reference = backend == 'eager'
    figures = parity.get('fp32' if reference else backend)
    if figures is None:
        return f'{"-":>9}{"-":>7}{"-":>7}  -'
    dice = figures.get('Dice_change')
    dice = '-' if dice is None else f'{dice:+.2f}'
    verdict = 'ref' if reference else ('ok' if figures['ok'] else 'FAIL')
    return (f'{100 * figures["agreement"]:>9.3f}'
            f'{figures["mIoU_change"]:>+7.2f}{dice:>7}  {verdict}')


def _parity_notes(result: dict) -> List[str]:
    """What the parity columns were measured on, and what was not timed.

    Args:
        result (dict): The benchmark results.

    Returns:
        list[str]: Lines of text, with the verdict line of each refused
        backend; none without low-precision rows.
    """
    if 'parity' not in result:
        return []
    fp32 = result['parity']['fp32']
    dice = (f', Dice.{fp32["Dice_class"]} {fp32["Dice"]:.2f}'
            if 'Dice' in fp32 else '')
    low = result['low_precision']
    ddice = f', |ddice| <= {MAX_DICE_CHANGE}' if 'Dice' in fp32 else ''
    lines = [
        f'parity: against eager fp32 on {fp32["images"]} test images of '
        f'{result["parity_data"]} (fp32 mIoU {fp32["mIoU"]:.2f}{dice}); '
        f'dmIoU, ddice in points; ok = |dmIoU| <= {MAX_MIOU_CHANGE}'
        f'{ddice}, then agreement >= {100 * fp32["agreement_floor"]:.3f} % '
        "(1 - fp32's near-ties)", f'int8: {low["int8"]}'
    ]
    lines += [
        row['verdict'] for row in result['parity'].values() if not row['ok']
    ]
    if low['bf16'] != 'offered':
        lines.append(f'bf16 not timed: {low["bf16"]}')
    return lines


def _training_lines(result: dict) -> List[str]:
    """One line per training path, and its speed-up over fp32.

    Args:
        result (dict): The benchmark results, with ``training``.

    Returns:
        list[str]: Lines of text.
    """
    training = result['training']
    paths, size = training['paths'], training['size']
    fp32 = paths['fp32']['images_per_s']
    lines = [
        '', f'training (mmengine Runner), batch {result["batch"]} at '
        f'{size[0]}x{size[1]}, on {result["machine"]["cpu"]}:',
        f'{"path":<20}{"images/s":>10}{"x fp32":>8}{"iter ms":>10}'
        f'{"data ms":>9}{"peak MiB":>10}'
    ]
    for name, row in paths.items():
        mark = '  <- the config (--amp: the last row)' \
            if name == training['config_path'] else ''
        lines.append(
            f'{name:<20}{row["images_per_s"]:>10.2f}'
            f'{row["images_per_s"] / fp32:>8.2f}{row["iter_ms"]:>10.0f}'
            f'{row["data_ms"]:>9.1f}{row["peak_rss_mib"]:>10.0f}{mark}')
    if 'amp' not in paths:
        lines.append('amp not timed: --amp is refused on this machine')
    lines.append(f'DataLoader workers: {row["num_workers"]}')
    return lines
