#!/usr/bin/env python3
"""Writes GoldenData.cs: outputs of ComfyUI's own image maths (torch, Pillow, scipy) for small inputs.

The formulas below restate the ComfyUI node code (nodes.py, comfy/utils.py common_upscale,
comfy_extras/nodes_post_processing.py, nodes_mask.py) so the C# tests can check parity without Python.
Run with a Python that has torch, numpy, scipy and Pillow (Debian: python3-torch python3-scipy
python3-pil python3-numpy):  python3 make_golden.py > GoldenData.cs

Quantize: as ComfyUI calls it, with the Debian Pillow (9.4) of the reference ComfyUI, which keeps 256 palette
entries after quantize() (the median-cut colours, then black); a current Pillow keeps only the median-cut entries.
"""
import math
import numpy as np
import scipy.ndimage
import torch
import torch.nn.functional as F
from PIL import Image


def pattern(shape, seed):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    v = ((i * 7919 + seed * 104729) % 1009).astype(np.float32) / np.float32(1008)
    return torch.from_numpy(v.reshape(shape))


def lanczos(samples, width, height):
    out = []
    for image in samples:
        a = np.clip(255.0 * image.movedim(0, -1).numpy(), 0, 255).astype(np.uint8)
        img = Image.fromarray(a).resize((width, height), resample=Image.Resampling.LANCZOS)
        out.append(torch.from_numpy(np.array(img).astype(np.float32) / 255.0).movedim(-1, 0))
    return torch.stack(out)


def common_upscale(samples, width, height, method, crop):
    if crop == "center":
        ow, oh = samples.shape[-1], samples.shape[-2]
        oa, na = ow / oh, width / height
        x = y = 0
        if oa > na:
            x = round((ow - ow * (na / oa)) / 2)
        elif oa < na:
            y = round((oh - oh * (oa / na)) / 2)
        samples = samples.narrow(-2, y, oh - y * 2).narrow(-1, x, ow - x * 2)
    if method == "lanczos":
        return lanczos(samples, width, height)
    return F.interpolate(samples, size=(height, width), mode=method)


def gaussian_kernel(size, sigma):
    x, y = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    d = torch.sqrt(x * x + y * y)
    g = torch.exp(-(d * d) / (2.0 * sigma * sigma))
    return g / g.sum()


def blur(image, r, sigma):
    c = image.shape[-1]
    k = gaussian_kernel(2 * r + 1, sigma).repeat(c, 1, 1).unsqueeze(1)
    t = F.pad(image.permute(0, 3, 1, 2), (r, r, r, r), "reflect")
    return F.conv2d(t, k, padding=r, groups=c)[:, :, r:-r, r:-r].permute(0, 2, 3, 1)


def sharpen(image, r, sigma, alpha):
    c = image.shape[-1]
    k = gaussian_kernel(2 * r + 1, sigma) * -(alpha * 10)
    k[r, r] = k[r, r] - k.sum() + 1.0
    k = k.repeat(c, 1, 1).unsqueeze(1)
    t = F.pad(image.permute(0, 3, 1, 2), (r, r, r, r), "reflect")
    return torch.clamp(F.conv2d(t, k, padding=r, groups=c)[:, :, r:-r, r:-r].permute(0, 2, 3, 1), 0, 1)


def blend(a, b, f, mode):
    if a.shape != b.shape:
        b = common_upscale(b.permute(0, 3, 1, 2), a.shape[2], a.shape[1], "bicubic", "center").permute(0, 2, 3, 1)
    g = lambda x: torch.where(x <= 0.25, ((16 * x - 12) * x + 4) * x, torch.sqrt(x))
    m = {
        "normal": lambda: b,
        "multiply": lambda: a * b,
        "screen": lambda: 1 - (1 - a) * (1 - b),
        "overlay": lambda: torch.where(a <= 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b)),
        "soft_light": lambda: torch.where(b <= 0.5, a - (1 - 2 * b) * a * (1 - a), a + (2 * b - 1) * (g(a) - a)),
        "difference": lambda: a - b,
    }[mode]()
    return torch.clamp(a * (1 - f) + m * f, 0, 1)


def quantize(image, colors, dither):
    im = Image.fromarray((image[0] * 255).to(torch.uint8).numpy(), mode="RGB")
    pal = im.quantize(colors=colors)
    n = len(pal.getpalette()) // 3
    if dither == "none":
        out = im.quantize(palette=pal, dither=Image.Dither.NONE)
    elif dither == "floyd-steinberg":
        out = im.quantize(palette=pal, dither=Image.Dither.FLOYDSTEINBERG)
    else:
        order = int(dither.split("-")[-1])

        def nbm(k):
            if k == 0:
                return np.zeros((1, 1), "float32")
            q4 = 4 ** k
            m = q4 * nbm(k - 1)
            return np.bmat(((m - 1.5, m + 0.5), (m + 1.5, m - 0.5))) / q4

        bm = torch.from_numpy(np.array(2 * 256 / n * nbm(int(math.log2(order))) + 0.5, dtype=np.float32))
        res = torch.from_numpy(np.array(im).astype(np.float32))
        tiled = bm.tile(math.ceil(res.shape[0] / order), math.ceil(res.shape[1] / order)).unsqueeze(-1)
        res.add_(tiled[: res.shape[0], : res.shape[1]]).clamp_(0, 255)
        out = Image.fromarray(res.to(torch.uint8).numpy()).quantize(palette=pal, dither=Image.Dither.NONE)
    return torch.from_numpy(np.array(out.convert("RGB")).astype(np.float32) / 255).unsqueeze(0)


def grow(mask, expand, tapered):
    c = 0 if tapered else 1
    k = np.array([[c, 1, c], [1, 1, 1], [c, 1, c]])
    out = []
    for m in mask:
        o = m.numpy()
        for _ in range(abs(expand)):
            o = scipy.ndimage.grey_erosion(o, footprint=k) if expand < 0 else scipy.ndimage.grey_dilation(o, footprint=k)
        out.append(torch.from_numpy(o))
    return torch.stack(out)


cases = []


def case(name, shape, values):
    cases.append((name, list(shape), values.reshape(-1).tolist()))


img = pattern((1, 5, 7, 3), 1)
for method in ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]:
    for (w, h, crop) in [(9, 4, "disabled"), (3, 11, "center"), (4, 3, "disabled")]:
        out = common_upscale(img.movedim(-1, 1), w, h, method, crop).movedim(1, -1)
        case(f"resize/{method}/{w}x{h}/{crop}", out.shape, out)
rgba = pattern((1, 6, 5, 4), 2)
out = common_upscale(rgba.movedim(-1, 1), 9, 4, "lanczos", "disabled").movedim(1, -1)
case("resize/lanczos-rgba/9x4/disabled", out.shape, out)

blur_in = pattern((1, 6, 7, 3), 3)
case("blur/r2/s1.5", blur_in.shape, blur(blur_in, 2, 1.5))
case("sharpen/r1/s1/a0.5", blur_in.shape, sharpen(blur_in, 1, 1.0, 0.5))

a = pattern((1, 4, 5, 3), 4)
b = pattern((1, 3, 3, 3), 5)
for mode in ["normal", "multiply", "screen", "overlay", "soft_light", "difference"]:
    out = blend(a, b, 0.6, mode)
    case(f"blend/{mode}", out.shape, out)

q_in = torch.from_numpy(np.stack([
    np.stack([(np.arange(16)[None, :] * 16 + np.arange(12)[:, None] * 3) % 256,
              (np.arange(16)[None, :] * 5 + np.arange(12)[:, None] * 19) % 256,
              (np.arange(16)[None, :] * 11 + 40) % 256 + 0 * np.arange(12)[:, None]], -1)]).astype(np.float32) / 255)
for dither in ["none", "floyd-steinberg", "bayer-4"]:
    out = quantize(q_in, 4, dither)
    case(f"quantize/4/{dither}", out.shape, out)

mask = (pattern((1, 7, 8), 6) > 0.8).float()
for (e, t) in [(2, True), (2, False), (-1, True)]:
    out = grow(mask, e, t)
    case(f"grow/{e}/{'tapered' if t else 'square'}", out.shape, out)

print("// <auto-generated> by make_golden.py from torch, Pillow and scipy; do not edit. </auto-generated>")
print("namespace Gantry.Engine.Tests.Imaging.Golden;")
print()
print("internal static class GoldenData")
print("{")
print("    public static IReadOnlyDictionary<string, (int[] Shape, float[] Values)> Cases { get; } = new Dictionary<string, (int[] Shape, float[] Values)>")
print("    {")
for name, shape, values in cases:
    vals = ", ".join(f"{np.float32(v)!r}f".replace("np.float32(", "").replace(")", "") for v in values)
    print(f"        [\"{name}\"] = ([{', '.join(map(str, shape))}], [{vals}]),")
print("    };")
print("}")
