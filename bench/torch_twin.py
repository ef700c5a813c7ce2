#!/usr/bin/python3
"""PyTorch twin of bench/SpeedBench.java: the same autoencoders, data, batch size,
optimiser and protocol (epoch 1 warm-up, then whole epochs timed until >= --min-seconds).

dense:        784-32-784, relu code, BCE on the logits (sigmoid output), batch 128
conv_strided: conv 3x3/2 1->16, relu, conv 3x3/2 16->32, relu, transposed conv 3x3/2 32->16, relu,
              transposed conv 3x3/2 16->1, linear output, MSE, batch 64
Adam lr 1e-3, eps 1e-7; Glorot-uniform weights, zero biases; a new permutation each epoch;
the loss is read back every step (as the plugin's trainer does).
Run with the Debian interpreter (/usr/bin/python3, python3-torch 1.13). Prints one RESULT line.
"""
import argparse
import gzip
import time

import numpy as np
import torch
import torch.nn as nn


def load_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, h, w = np.frombuffer(raw[:16], dtype=">i4")
    assert magic == 2051, magic
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, 1, h, w).astype(np.float32) / 255.0


def build(arch):
    if arch == "dense":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Unflatten(1, (1, 28, 28))), \
            nn.BCEWithLogitsLoss(), 128
    if arch == "conv_strided":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1)), nn.MSELoss(), 64
    raise ValueError("unknown arch " + arch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="dense")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-seconds", type=float, default=10)
    ap.add_argument("--channels-last", action="store_true", help="NHWC memory format (conv)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    model, crit, bs = build(a.arch)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    x = torch.from_numpy(load_images(a.data + "/train-images-idx3-ubyte.gz"))
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    n = x.shape[0]
    rs = np.random.RandomState(1)
    timed_s, timed_samples, epochs, epoch, loss_mean, timed_cpu = 0.0, 0, 0, 0, float("nan"), 0.0
    while True:
        epoch += 1
        perm = torch.from_numpy(rs.permutation(n))
        t0 = time.perf_counter()
        c0 = time.process_time()
        total = 0.0
        for pos in range(0, n, bs):
            xb = x.index_select(0, perm[pos:pos + bs])
            opt.zero_grad(set_to_none=True)
            loss = crit(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        sec = time.perf_counter() - t0
        cpu = time.process_time() - c0
        loss_mean = total / n
        if epoch >= 2:
            timed_s += sec
            timed_cpu += cpu
            timed_samples += n
            epochs += 1
            if timed_s >= a.min_seconds:
                break
    print("RESULT torch%s %s %d %.0f %.2f %d %.5f threads=%d per_cpu_s=%.0f" % ("-cl" if a.channels_last else "", a.arch, bs,
          timed_samples / timed_s, timed_s, epochs, loss_mean, torch.get_num_threads(), timed_samples / timed_cpu), flush=True)


if __name__ == "__main__":
    main()
