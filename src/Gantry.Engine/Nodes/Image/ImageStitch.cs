using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageStitch ("Image Stitch"): image2 placed right of, below, left of or above image1. The shorter batch
/// repeats its last frame. With match_image_size image2 is resized (lanczos) to image1's height (left/right) or
/// width (up/down), keeping its aspect ratio (truncated); without it the smaller image is centred on padding (white
/// 1.0 or black 0.0; the colour choices pad with 0.0, as ComfyUI's do). A missing channel is filled with 1.0.
/// spacing_width (rounded up to even) inserts a strip of spacing_color, opaque when there is alpha.
/// </summary>
public sealed class ImageStitch : ComfyNode
{
    private static readonly string[] Directions = ["right", "down", "left", "up"];
    private static readonly string[] Colors = ["white", "black", "red", "green", "blue"];

    protected override NodeSchema Define() => new("ImageStitch")
    {
        DisplayName = "Image Stitch",
        Category = "image/transform",
        Description = "\nStitches image2 to image1 in the specified direction.\nIf image2 is not provided, returns image1 unchanged.\nOptional spacing can be added between images.\n",
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        {
            Declared.Bare("image1", "IMAGE"),
            Input.LegacyCombo("direction", Directions, @default: "right"),
            Input.Boolean("match_image_size", @default: true),
            Input.Int("spacing_width", @default: 0, min: 0, max: 1024, step: 2),
            Input.LegacyCombo("spacing_color", Colors, @default: "white"),
            Declared.Bare("image2", "IMAGE").AsOptional(),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image1 = inputs.Get<ImageTensor>("image1");
        if (inputs.GetOrDefault<ImageTensor?>("image2", null) is not { } image2)
        {
            return NodeOutput.Of(image1);
        }

        var direction = inputs.Get<string>("direction");
        var horizontal = direction is "left" or "right";
        var color = inputs.Get<string>("spacing_color");
        var spacing = inputs.Get<int>("spacing_width");
        context.ThrowIfCancellationRequested();

        var batch = Math.Max(image1.Batch, image2.Batch);
        image1 = ImageAssembly.RepeatLastFrame(image1, batch);
        image2 = ImageAssembly.RepeatLastFrame(image2, batch);
        if (inputs.Get<bool>("match_image_size"))
        {
            var aspect = (double)image2.Width / image2.Height;
            var (width, height) = horizontal ? ((int)(image1.Height * aspect), image1.Height) : (image1.Width, (int)(image1.Width / aspect));
            image2 = ImageResize.Resize(image2, width, height, ResizeMethod.Lanczos);
        }
        else
        {
            var pad = color switch { "white" => 1f, _ => 0f };
            (image1, image2) = PadToMatch(image1, image2, horizontal, pad);
        }

        var channels = Math.Max(image1.Channels, image2.Channels);
        image1 = ImageAssembly.WithChannels(image1, channels);
        image2 = ImageAssembly.WithChannels(image2, channels);

        var parts = new List<ImageTensor> { image1, image2 };
        if (direction is "left" or "up")
        {
            parts.Reverse();
        }

        if (spacing > 0)
        {
            spacing += spacing % 2;
            var strip = horizontal
                ? Strip(batch, Math.Max(image1.Height, image2.Height), spacing, channels, color)
                : Strip(batch, spacing, Math.Max(image1.Width, image2.Width), channels, color);
            parts.Insert(1, strip);
        }

        return NodeOutput.Of(ImageAssembly.Concat(parts, horizontal));
    }

    private static (ImageTensor, ImageTensor) PadToMatch(ImageTensor image1, ImageTensor image2, bool horizontal, float value)
    {
        var target = horizontal ? Math.Max(image1.Height, image2.Height) : Math.Max(image1.Width, image2.Width);
        return (Pad(image1), Pad(image2));

        ImageTensor Pad(ImageTensor image)
        {
            var missing = target - (horizontal ? image.Height : image.Width);
            if (missing <= 0)
            {
                return image;
            }

            var (before, after) = (missing / 2, missing - (missing / 2));
            return horizontal ? ImageAssembly.Pad(image, before, after, 0, 0, value) : ImageAssembly.Pad(image, 0, 0, before, after, value);
        }
    }

    private static ImageTensor Strip(int batch, int height, int width, int channels, string color)
    {
        float[] rgb = color switch
        {
            "white" => [1f, 1f, 1f],
            "red" => [1f, 0f, 0f],
            "green" => [0f, 1f, 0f],
            "blue" => [0f, 0f, 1f],
            _ => [0f, 0f, 0f],
        };
        var strip = new ImageTensor(batch, height, width, channels);
        var values = strip.WritableSpan;
        for (var p = 0; p < values.Length; p += channels)
        {
            for (var c = 0; c < channels; c++)
            {
                values[p + c] = c < 3 ? rgb[c] : c == 3 ? 1f : 0f;
            }
        }

        return strip;
    }
}
