using System.Text.Json;
using System.Text.Json.Nodes;
using Gantry.Engine.Catalog;
using Gantry.Engine.FileSystem;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// The engine's /object_info entry of each node against the real ComfyUI's: input names and order, types, combo
/// values, every widget option (default, min, max, step, tooltip, ...), hidden inputs, outputs (types, names, lists),
/// name, display name, description, category, module and output_node. Not compared, by design (docs/fidelity.md):
/// how a type is spelled (a V1 <c>["IMAGE"]</c> against a V3 <c>["IMAGE", {}]</c>, a V1 combo list against
/// <c>["COMBO", {"options": ...}]</c>), the files an upload combo lists (each side has its own folder), keys newer ComfyUI adds that 0.3.64 lacks, and a V3 node's null display_name,
/// which the engine reports as the class name (what a client shows for null).
/// </summary>
[Collection(RealComfyUiCollection.Name)]
public sealed class ObjectInfoFidelityTests
{
    /// <summary>The nodes added for issue 14; each must describe itself exactly as ComfyUI does.</summary>
    public static TheoryData<string> Nodes =>
    [
        "CaseConverter", "StringConcatenate", "StringSubstring", "StringLength", "StringReplace", "StringTrim", "StringContains",
        "StringCompare", "RegexMatch", "RegexExtract", "RegexReplace", "GetImageSize", "ImageRGBToYUV", "ImageYUVToRGB",
        "ImageColorToMask", "RebatchImages", "ImageStitch", "ResizeAndPadImage", "ImageScaleToMaxDimension", "PorterDuffImageComposite", "MaskPreview", "LoadImageMask", "LoadImageOutput",
        "ImageAddNoise", "Morphology", "Canny",
        "SaveAnimatedPNG", "SaveAnimatedWEBP", "SaveLatent", "LoadLatent", "EmptyLatentImage", "LatentFromBatch", "RepeatLatentBatch",
    ];

    [Theory]
    [MemberData(nameof(Nodes))]
    public async Task The_engine_describes_the_node_as_ComfyUI_does(string classType)
    {
        Assert.SkipWhen(RealComfyUiTier.SkipReason is not null, RealComfyUiTier.SkipReason ?? string.Empty);
        await using var comfy = await ComfyUiDirect.ConnectAsync(RealComfyUiTier.Url!);
        var expected = Comparable(await comfy.ObjectInfoAsync(classType), classType);

        using var root = new TempDirectory("gantry-objectinfo");
        var folders = EngineFolders.Under(root.Path);
        var described = NodeCatalog.CreateDefault().Describe(classType, folders).ShouldNotBeNull($"the engine has no {classType}");
        using var engineJson = JsonDocument.Parse(described.ToJson().ToJsonString());
        var actual = Comparable(engineJson.RootElement, classType);

        using var expectedDocument = JsonDocument.Parse(expected.ToJsonString());
        using var actualDocument = JsonDocument.Parse(actual.ToJsonString());
        var differences = JsonDifferences.Between(expectedDocument.RootElement, actualDocument.RootElement);
        differences.ShouldBeEmpty($"{classType}:\n{string.Join("\n", differences)}");
    }

    /// <summary>The compared fields, with types and combos in one spelling.</summary>
    private static JsonObject Comparable(JsonElement info, string classType)
    {
        var result = new JsonObject();
        foreach (var section in new[] { "required", "optional" })
        {
            if (!info.GetProperty("input").TryGetProperty(section, out var inputs))
            {
                continue;
            }

            var comparable = new JsonObject();
            foreach (var input in inputs.EnumerateObject())
            {
                comparable[input.Name] = Input(input.Value);
            }

            result[section] = comparable;
        }

        result["hidden"] = info.GetProperty("input").TryGetProperty("hidden", out var hidden) ? JsonNode.Parse(hidden.GetRawText()) : null;
        foreach (var key in new[] { "output", "output_name", "output_is_list", "name", "description", "python_module", "category", "output_node" })
        {
            result[key] = JsonNode.Parse(info.GetProperty(key).GetRawText());
        }

        var display = info.GetProperty("display_name");
        result["display_name"] = display.ValueKind == JsonValueKind.Null ? classType : display.GetString();
        return result;
    }

    private static JsonObject Input(JsonElement spec)
    {
        var type = spec[0];
        var options = spec.GetArrayLength() > 1 ? (JsonObject)JsonNode.Parse(spec[1].GetRawText())! : [];
        var values = type.ValueKind == JsonValueKind.Array ? JsonNode.Parse(type.GetRawText()) : options["options"]?.DeepClone();
        if (options.ContainsKey("image_upload"))
        {
            values = "(the files of a folder)";
        }

        options.Remove("options");
        options.Remove("multiselect");
        return new JsonObject
        {
            ["type"] = type.ValueKind == JsonValueKind.Array ? "COMBO" : type.GetString(),
            ["values"] = values,
            ["options"] = new JsonObject(options.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
        };
    }
}
