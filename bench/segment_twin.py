#!/usr/bin/python3
"""PyTorch twin of the supervised nuclei U-Net (bench/SegmentTwin.java exports the data).

Reads header.json and the raw little-endian float32 files written by SegmentTwin:
the spec of Presets.segmenter (conv_pool 16-32-64, skip connections by
concatenation, nearest upsampling, sigmoid output, BCE), the Java model's initial
weights, the 2048 fixed 64 x 64 training patches (normalised image, 0/1 mask), the
mini-batch order of every epoch, the normalised right half of the image with its
mask and instance labels, and the Java model's final weights and probability map.

Trains the same net from the same weights on the same batches in the same order:
BCE from the logits (PyTorch's binary_cross_entropy_with_logits; TF computes
softplus(z) - z t, the same function), Adam exactly as TF's ApplyAdam (epsilon
added to sqrt(v) BEFORE the bias correction; TWIN_ADAM=torch uses
torch.optim.Adam instead), no validation set, so the weights of the epoch with the
lowest training loss are kept (as our Trainer does). Predicts the test half as the
Java tiler's reference semantics define it: one run on the image mirror-extended
(numpy 'reflect' = ImgLib2 extendMirrorSingle) by the halo on each side and up to
a multiple of the size multiple at the high end, cropped back; threshold p > 0.5,
8-connected objects, one-to-one matches at IoU > 0.5.

Also checks the forward pass alone: the PyTorch net with the Java model's FINAL
weights must reproduce the Java probability map (max abs difference, mask pixels
that differ).

Run with torch.set_num_threads(2) (TWIN_THREADS), OPENBLAS_NUM_THREADS=1, the
GLIBC_TUNABLES of /work/shared/TFJAVA-NOTES.md and OMP_WAIT_POLICY=PASSIVE
(bench/run-segment-twin.sh sets them for both; without the last, OpenMP's spinning
threads make PyTorch ~15x slower when other processes share the 2 cores).
Usage: /usr/bin/python3 bench/segment_twin.py <export dir> [results.md]
"""
import json
import os
import sys
import time

import numpy as np
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_denoiser import ConvPoolDenoiser, load, train_epoch  # noqa: E402  (the same conv_pool / U-Net graph in PyTorch)


def load_avg():
    return open('/proc/loadavg').read().split()[0]


class TfAdam:
    """TF ApplyAdam: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); w -= alpha m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, beta1, beta2, eps):
        self.params = list(params)
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        # float32 beta powers as the graph computes them (pow(0.9f, t)), alpha in float32 like the Eigen kernel
        b1p = np.float32(self.b1) ** np.float32(self.t)
        b2p = np.float32(self.b2) ** np.float32(self.t)
        alpha = float(np.float32(self.lr) * np.sqrt(np.float32(1) - b2p) / (np.float32(1) - b1p))
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.add_(g - m, alpha=1 - self.b1)
            v.add_(g * g - v, alpha=1 - self.b2)
            p.sub_(alpha * m / (v.sqrt() + self.eps))


def segment(prob, threshold):
    mask = prob > threshold
    labels, _ = ndi.label(mask, structure=np.ones((3, 3), dtype=int))  # 8-connected, as Labeling.Connectivity.EIGHT
    return mask, labels


def pixel_scores(mask, truth):
    inter = int((mask & truth).sum())
    a, b = int(mask.sum()), int(truth.sum())
    dice = 1.0 if a + b == 0 else 2.0 * inter / (a + b)
    iou = 1.0 if a + b - inter == 0 else inter / (a + b - inter)
    return dice, iou


def object_scores(pred, true, min_iou=0.5):
    """Evaluation.objects: pairs with IoU > min_iou, greedily matched one-to-one by decreasing IoU."""
    p, t = pred.ravel(), true.ravel()
    area_p = np.bincount(p)[1:]
    area_t = np.bincount(t)[1:]
    n_pred, n_true = int((area_p > 0).sum()), int((area_t > 0).sum())
    both = (p > 0) & (t > 0)
    pairs, counts = np.unique(np.stack([p[both], t[both]]), axis=1, return_counts=True)
    cand = []
    for (a, b), inter in zip(pairs.T, counts):
        iou = inter / (area_p[a - 1] + area_t[b - 1] - inter)
        if iou > min_iou:
            cand.append((iou, a, b))
    cand.sort(reverse=True)
    used_p, used_t = set(), set()
    for iou, a, b in cand:
        if a not in used_p and b not in used_t:
            used_p.add(a)
            used_t.add(b)
    matched = len(used_p)
    return {'precision': 1.0 if n_pred == 0 else matched / n_pred, 'recall': 1.0 if n_true == 0 else matched / n_true,
            'matched': matched, 'predicted': n_pred, 'true': n_true}


def predict(model, test_x, halo, multiple):
    """The tiler's reference: one run on the mirror-extended window starting at -halo, size rounded up to the multiple."""
    h, w = test_x.shape
    ph = -(-(h + 2 * halo) // multiple) * multiple
    pw = -(-(w + 2 * halo) // multiple) * multiple
    padded = np.pad(test_x, ((halo, ph - h - halo), (halo, pw - w - halo)), mode='reflect')
    model.eval()
    with torch.no_grad():
        z = model(torch.from_numpy(np.ascontiguousarray(padded))[None, None])
    return torch.sigmoid(z)[0, 0, halo:halo + h, halo:halo + w].numpy()


def build(spec, params, d, fmt):
    model = ConvPoolDenoiser(spec, params, d).to(memory_format=fmt)
    model.out_act = lambda x: x  # logits: the loss takes them, predict applies the sigmoid
    return model


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else '/tmp/build-segtwin/twin'
    out_md = sys.argv[2] if len(sys.argv) > 2 else 'bench/results/segment_twin.md'
    threads = int(os.environ.get('TWIN_THREADS', '2'))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    h = json.load(open(os.path.join(d, 'header.json')))
    spec = h['spec']
    if spec['loss'] != 'bce' or spec['output_activation'] != 'sigmoid' or spec['optimizer'] != 'adam' or spec['decay'] != 0 or spec['l2'] != 0 or spec['weighted_loss']:
        raise SystemExit('the twin mirrors sigmoid + BCE + Adam without decay, L2 or weights, got ' + json.dumps(spec))
    p, n, c = h['patch'], h['n_train'], spec['channels']
    channels_last = os.environ.get('TWIN_CHANNELS_LAST', '1') == '1'
    adam_kind = os.environ.get('TWIN_ADAM', 'tf')
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    xs = load(d, 'patches_x.f32', (n, p, p, c)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    ys = load(d, 'patches_y.f32', (n, p, p, 1)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    orders = load(d, 'orders.f32', (h['epochs'], n)).long()
    th, tw = h['test_height'], h['test_width']
    test_x = np.fromfile(os.path.join(d, 'test_x.f32'), dtype='<f4').reshape(th, tw)
    truth = np.fromfile(os.path.join(d, 'test_y.f32'), dtype='<f4').reshape(th, tw) > 0
    true_labels = np.fromfile(os.path.join(d, 'test_labels.f32'), dtype='<f4').reshape(th, tw).astype(np.int64)
    java_prob = np.fromfile(os.path.join(d, 'java_probability.f32'), dtype='<f4').reshape(th, tw)
    thr, halo, mult = h['threshold'], h['halo'], h['size_multiple']
    j = h['java']

    # 1. forward check: the Java model's final weights in PyTorch must give the Java probability map
    final = build(spec, {k: {'file': v['final_file'], 'shape': v['shape']} for k, v in h['params'].items()}, d, fmt)
    fwd_prob = predict(final, test_x, halo, mult)
    java_mask, java_labels = segment(java_prob, thr)
    fwd_mask, _ = segment(fwd_prob, thr)
    fwd_maxdiff = float(np.abs(fwd_prob - java_prob).max())
    fwd_maskdiff = int((fwd_mask != java_mask).sum())
    java_dice_py, java_iou_py = pixel_scores(java_mask, truth)
    print('forward check (Java final weights in torch): max |p_torch - p_java| %.2e, mask pixels that differ %d; Java Dice recomputed %.4f (Java said %.4f)'
          % (fwd_maxdiff, fwd_maskdiff, java_dice_py, j['dice']))
    del final

    # 2. training from the Java model's initial weights on the same batches
    model = build(spec, h['params'], d, fmt)
    a = h['adam']
    if adam_kind == 'tf':
        opt = TfAdam(model.parameters(), spec['learning_rate'], a['beta1'], a['beta2'], a['epsilon'])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=spec['learning_rate'], betas=(a['beta1'], a['beta2']), eps=a['epsilon'])
    bs = h['batch_size']
    model.train()
    t0, cpu0 = time.perf_counter(), time.process_time()
    best, best_epoch, best_state = float('inf'), 0, {k: v.detach().clone() for k, v in model.state_dict().items()}
    epochs = []
    for e in range(h['epochs']):
        te = time.perf_counter()
        tl = train_epoch(model, opt, xs, ys, orders[e], bs, F.binary_cross_entropy_with_logits)
        epochs.append({'epoch': e + 1, 'train_loss': tl, 'seconds': time.perf_counter() - te, 'load_average': load_avg()})
        print('  torch epoch %d: train %.5f (%.1f s, %.0f samples/s, load %s)' % (e + 1, tl, epochs[-1]['seconds'], n / epochs[-1]['seconds'], epochs[-1]['load_average']))
        if tl < best:  # Trainer without validation: the lowest training loss wins (minImprovement 0)
            best, best_epoch = tl, e + 1
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    train_seconds = time.perf_counter() - t0
    train_cpu = time.process_time() - cpu0
    model.load_state_dict(best_state)
    prob = predict(model, test_x, halo, mult)
    mask, labels = segment(prob, thr)
    dice, iou = pixel_scores(mask, truth)
    obj = object_scores(labels, true_labels)
    jobj = object_scores(java_labels, true_labels)
    disagree = int((mask != java_mask).sum())
    prob_diff = np.abs(prob - java_prob)
    ratio = j['train_seconds'] / train_seconds
    cpu_ratio = j['train_cpu_seconds'] / train_cpu
    print('java  Dice %.4f IoU %.4f objects P %.3f R %.3f (%d predicted), best epoch %d (train loss %.5f), training %.1f s (CPU %.1f s)'
          % (j['dice'], j['iou'], j['object_precision'], j['object_recall'], j['objects_predicted'], j['best_epoch'], j['best_train_loss'], j['train_seconds'], j['train_cpu_seconds']))
    print('torch Dice %.4f IoU %.4f objects P %.3f R %.3f (%d predicted), best epoch %d (train loss %.5f), training %.1f s (CPU %.1f s)'
          % (dice, iou, obj['precision'], obj['recall'], obj['predicted'], best_epoch, best, train_seconds, train_cpu))
    print('Dice difference ours - torch %+.4f; masks differ in %d of %d pixels; |p_ours - p_torch| mean %.4f max %.3f; training time ratio ours / torch = %.2f (wall), %.2f (CPU)'
          % (j['dice'] - dice, disagree, mask.size, prob_diff.mean(), prob_diff.max(), ratio, cpu_ratio))

    je_loads = [float(e['load_average']) for e in j['epochs']]
    te_loads = [float(e['load_average']) for e in epochs]
    lines = []
    lines.append('# PyTorch twin of the supervised nuclei U-Net (bench/SegmentTwin.java + bench/segment_twin.py)\n')
    lines.append('Data: %s. Same net (Presets.segmenter: `%s`), same initial weights (the Java model\'s), same %d patches %dx%d, '
                 'same mini-batch order in each of %d epochs, batch %d, Adam lr %g, betas %g/%g, epsilon %g (%s), BCE from the logits, '
                 'no validation set: the epoch with the lowest training loss is kept on both sides. Test: the right half (%d x %d), '
                 'ours through SupervisedSegmenter.segment (tiled), PyTorch on the mirror-extended window (halo %d), threshold p > %g.\n'
                 % (h['data'], json.dumps({k: spec[k] for k in ('kind', 'layers', 'skip_connections', 'kernel', 'activation', 'output_activation', 'loss', 'unpooling')}),
                    n, p, p, h['epochs'], bs, spec['learning_rate'], a['beta1'], a['beta2'], a['epsilon'],
                    'TF ApplyAdam update re-implemented in PyTorch' if adam_kind == 'tf' else 'torch.optim.Adam', tw, th, halo, thr))
    lines.append('Threads: TF Java uses the 2 cores, PyTorch torch.set_num_threads(%d); both with OPENBLAS_NUM_THREADS=1, OMP_WAIT_POLICY=%s, GLIBC_TUNABLES=%s; torch %s, %s. '
                 'Load average (1 min) per epoch: ours %.1f-%.1f, PyTorch %.1f-%.1f on 2 cores shared with other benchmarks: times are loose.\n'
                 % (threads, os.environ.get('OMP_WAIT_POLICY', '(unset)'), os.environ.get('GLIBC_TUNABLES', '(unset)'), torch.__version__, 'channels_last' if channels_last else 'NCHW contiguous',
                    min(je_loads), max(je_loads), min(te_loads), max(te_loads)))
    lines.append('Forward check: the Java model\'s final weights run in PyTorch give the Java probability map to max |diff| %.1e (%d mask pixels differ).\n'
                 % (fwd_maxdiff, fwd_maskdiff))
    lines.append('| | pixel Dice | IoU | object P | object R | objects (true %d) | kept epoch (train loss) | training wall s | training CPU s |' % obj['true'])
    lines.append('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    lines.append('| ours (TF Java) | %.4f | %.4f | %.3f | %.3f | %d | %d (%.5f) | %.0f | %.0f |' % (j['dice'], j['iou'], j['object_precision'], j['object_recall'], j['objects_predicted'], j['best_epoch'], j['best_train_loss'], j['train_seconds'], j['train_cpu_seconds']))
    lines.append('| PyTorch | %.4f | %.4f | %.3f | %.3f | %d | %d (%.5f) | %.0f | %.0f |' % (dice, iou, obj['precision'], obj['recall'], obj['predicted'], best_epoch, best, train_seconds, train_cpu))
    lines.append('')
    lines.append('Dice difference ours - PyTorch: %+.4f (goal |diff| <= 0.02). The two masks differ in %d of %d pixels; |p_ours - p_torch| mean %.4f, max %.3f. '
                 'Training time ratio ours / PyTorch: %.2f wall, %.2f CPU. (Python object scores of our mask: P %.3f R %.3f, as a check of the Python matching.)\n'
                 % (j['dice'] - dice, disagree, mask.size, prob_diff.mean(), prob_diff.max(), ratio, cpu_ratio, jobj['precision'], jobj['recall']))
    lines.append('| epoch | ours train loss | PyTorch train loss | ours s | PyTorch s |')
    lines.append('|---:|---:|---:|---:|---:|')
    for je, te in zip(j['epochs'], epochs):
        lines.append('| %d | %.5f | %.5f | %.1f | %.1f |' % (te['epoch'], je['train_loss'], te['train_loss'], je['seconds'], te['seconds']))
    open(out_md, 'w').write('\n'.join(lines) + '\n')
    print('written to ' + out_md)


if __name__ == '__main__':
    main()
