#!/usr/bin/env python3
"""Prints the edge maps of CannyPyTorchTests: kornia 0.7-0.8's canny, as ComfyUI's Canny node calls it, restated
step by step with PyTorch's float32 operators (kornia itself is not a Debian package). Run with Debian's python3-torch:
    python3 canny_pytorch.py 0.4 0.8     (then 0.15 0.6)
"""
import torch, torch.nn.functional as F, math
W, H = 32, 24
g = torch.tensor([[((x * x * 3 + y * 5 + x * y) % 256) / 255.0 for x in range(W)] for y in range(H)], dtype=torch.float32)[None, None]
xs = torch.arange(5, dtype=torch.float32) - 2
taps = torch.exp(-xs.pow(2.0) / (2 * torch.tensor(1.0) ** 2))
taps = taps / taps.sum()
b = F.conv2d(F.pad(g, (2, 2, 0, 0), mode="reflect"), taps.view(1, 1, 1, 5))
b = F.conv2d(F.pad(b, (0, 0, 2, 2), mode="reflect"), taps.view(1, 1, 5, 1))
sx = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]])
k = torch.stack([sx, sx.t()])[:, None]
gr = F.conv2d(F.pad(b, (1, 1, 1, 1), mode="replicate"), k)
gx, gy = gr[:, 0:1], gr[:, 1:2]
mag = torch.sqrt(gx * gx + gy * gy + 1e-6)
ang = torch.atan2(gy, gx)
ang = 180.0 * ang / torch.tensor(math.pi, dtype=torch.float32)
ang = torch.round(ang / 45) * 45
nk = torch.tensor([
    [[0, 0, 0], [0, 1, -1], [0, 0, 0]], [[0, 0, 0], [0, 1, 0], [0, 0, -1]], [[0, 0, 0], [0, 1, 0], [0, -1, 0]], [[0, 0, 0], [0, 1, 0], [-1, 0, 0]],
    [[0, 0, 0], [-1, 1, 0], [0, 0, 0]], [[-1, 0, 0], [0, 1, 0], [0, 0, 0]], [[0, -1, 0], [0, 1, 0], [0, 0, 0]], [[0, 0, -1], [0, 1, 0], [0, 0, 0]]], dtype=torch.float32)[:, None]
nms = F.conv2d(mag, nk, padding=1)
pi = ((ang / 45) % 8).long(); ni = (((ang / 45) + 4) % 8).long()
sel = torch.stack([torch.gather(nms, 1, pi), torch.gather(nms, 1, ni)], 1)
ismax = sel.min(dim=1)[0] > 0.0
m = mag * ismax
import sys
low, high = float(sys.argv[1]), float(sys.argv[2])
e = ((m > low) * 0.5 + (m > high) * 0.5).to(torch.float32)
hk = torch.zeros(8, 1, 3, 3)
for i, (dy, dx) in enumerate([(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]):
    hk[i, 0, 1 + dy, 1 + dx] = 1
old = -torch.ones_like(e)
while ((old - e).abs() != 0).any():
    weak = (e == 0.5).float(); strong = (e == 1).float()
    hm = F.conv2d(e, hk, padding=1)
    hm = (hm == 1).any(1, keepdim=True).to(torch.float32)
    hm = hm * weak + strong
    old = e.clone()
    e = hm + (hm == 0) * weak * 0.5
e = hm
for row in e[0, 0]:
    print('"' + ''.join('#' if v == 1 else '.' for v in row.tolist()) + '",')
# how many magnitudes sit within 1e-4 of a threshold (where float order could flip a pixel)
near = ((m - low).abs() < 1e-4) | ((m - high).abs() < 1e-4)
print("near thresholds:", int(near.sum()), "edges:", int(e.sum()), file=sys.stderr)
