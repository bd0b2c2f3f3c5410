using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>What LoadImage returns for one file: the RGB image and the mask, plus facts about the file.</summary>
/// <param name="Image">One frame, 3 channels (RGB), samples byte / 255.</param>
/// <param name="Mask">1 − alpha / 255 at the image size when the file has alpha; otherwise a 64×64 zero mask, as LoadImage does.</param>
/// <param name="Format">The container, lower case: png, jpeg, webp, gif, bmp, …</param>
/// <param name="HasAlpha">Whether the file carries transparency.</param>
public sealed record LoadedImage(ImageTensor Image, MaskTensor Mask, string Format, bool HasAlpha);
