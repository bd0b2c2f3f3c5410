using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's LoadImageOutput ("Load Image (from Outputs)", experimental): LoadImage whose widget lists the output
/// folder through the frontend's remote route; its values are annotated names such as <c>x_00001_.png [output]</c>.
/// Execution, cache key and validation are LoadImage's (a plain name still means the input folder, as in ComfyUI).
/// </summary>
public sealed class LoadImageOutput : ComfyNode
{
    private readonly LoadImage _load = new();

    protected override NodeSchema Define() => new("LoadImageOutput")
    {
        DisplayName = "Load Image (from Outputs)",
        Category = "image",
        Description = "Load an image from the output folder. When the refresh button is clicked, the node will update the image list and automatically select the first image, allowing for easy iteration.",
        Experimental = true,
        Inputs =
        {
            Input.Literal("image", new JString("COMBO"), new JObjectBuilder
            {
                ["image_upload"] = true,
                ["image_folder"] = "output",
                ["remote"] = new JObjectBuilder
                {
                    ["route"] = "/internal/files/output",
                    ["refresh_button"] = true,
                    ["control_after_refresh"] = "first",
                }.Build(),
            }.Build()),
        },
        ValidatedInputs = { "image" },
        Outputs = { Output.Of("IMAGE"), Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => _load.Execute(inputs, context);

    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment) => _load.Fingerprint(inputs, environment);

    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment) => _load.ValidateInputs(inputs, environment);
}
