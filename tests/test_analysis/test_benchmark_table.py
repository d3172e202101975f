"""The benchmark's parity notes: the criteria and every refusal."""
from linknet_mm.analysis.benchmark_table import _parity_notes


def test_notes_state_the_criteria_and_each_refusal():
    fp32 = dict(
        images=3,
        mIoU=40.0,
        ok=True,
        verdict='reference',
        agreement_floor=0.97)
    int8 = dict(
        ok=False,
        verdict='int8 refused: mIoU 39.00 vs fp32 40.00 '
        '(-1.00, tolerance 0.50)')
    result = dict(
        parity=dict(fp32=fp32, optimized=dict(ok=True), int8=int8),
        parity_data='synthetic data',
        low_precision=dict(int8='quantized here', bf16='offered'))
    notes = _parity_notes(result)
    assert notes[0].endswith('ok = |dmIoU| <= 0.5, then agreement >= '
                             "97.000 % (1 - fp32's near-ties)")
    assert notes[1:] == ['int8: quantized here', int8['verdict']]
