using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Gantry.Api.Comfy;
using Gantry.Api.Comfy.Contracts;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Editor;

/// <summary>The mask editor's routes: <c>POST /api/upload/mask</c> (and <c>/upload/mask</c>) and <c>GET /api/files/mask-layers</c>.</summary>
public static partial class MaskApi
{
    /// <summary>The mask editor's layers, by the part of the file name that says which layer a file is.</summary>
    private static readonly (string Key, string Part)[] Layers =
        [("mask", "mask"), ("paint", "paint"), ("painted", "painted"), ("painted_masked", "painted-masked")];

    public static IEndpointRouteBuilder MapMasks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/upload/mask", (HttpContext context, UserUploads uploads, MaskCompositor masks, IOptions<ComfyOptions> options)
            => UploadAsync(context, uploads, masks, options.Value, StatusCodes.Status400BadRequest)).WithName("uploadMask").WithTags("file");
        app.MapPost("/upload/mask", (HttpContext context, UserUploads uploads, MaskCompositor masks, IOptions<ComfyOptions> options)
            => UploadAsync(context, uploads, masks, options.Value, StatusCodes.Status413PayloadTooLarge)).WithTags(ComfyNativeApi.Tag);
        app.MapGet("/api/files/mask-layers", LayersAsync).WithName("getMaskLayers").WithTags("file");
        return app;
    }

    /// <summary>An image upload whose stored file is the original (<c>original_ref</c>) with the uploaded mask's alpha.</summary>
    public static Task<Results<Ok<UploadResponse>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, UserUploads uploads, MaskCompositor masks, ComfyOptions options, int tooLargeStatus)
        => ImageUpload.UploadAsync(context, uploads, options, tooLargeStatus, async (form, image) =>
        {
            await using var mask = image.OpenReadStream();
            var (png, problem) = await masks.ComposeAsync(
                context.GetCaller().UserId, form["original_ref"].ToString(), mask, options.MaxImageEdge, options.MaxImagePixels, context.RequestAborted);
            return (png, problem is null ? null : ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem));
        });

    /// <summary>
    /// The layers the mask editor saved together with <paramref name="filename"/> (<c>…-mask-ID.png</c>,
    /// <c>-paint-</c>, <c>-painted-</c>, <c>-painted-masked-</c>, among the caller's input files; null for a layer that is
    /// not there); 404 when the name is no mask layer or the caller has no such file.
    /// </summary>
    public static async Task<Results<JsonHttpResult<MaskLayers>, JsonHttpResult<ErrorResponse>>> LayersAsync(
        HttpContext context, IFileIndex index, string? filename, string? subfolder)
    {
        var match = filename is { Length: <= 255 } name ? LayerName().Match(name) : Match.Empty;
        var folder = UserFiles.NormalizeSubfolder(subfolder ?? "clipspace");
        if (!match.Success || folder is null)
        {
            return ApiResults.NotFound("Not a mask layer file.");
        }

        var userId = context.GetCaller().UserId;
        var found = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, part) in Layers)
        {
            var layer = $"{match.Groups["prefix"].Value}-{part}-{match.Groups["id"].Value}{match.Groups["ext"].Value}";
            found[key] = await index.FindFileAsync(userId, UserFiles.Input, folder, layer, context.RequestAborted) is null ? null : layer;
        }

        if (found.Values.All(v => v is null))
        {
            return ApiResults.NotFound("No such mask layer file.");
        }

        return TypedResults.Json(
            new MaskLayers(found["mask"], found["paint"], found["painted"], found["painted_masked"]), MaskJsonContext.Default.MaskLayers);
    }

    [GeneratedRegex(@"^(?<prefix>[A-Za-z0-9_]+)-(?<layer>mask|paint|painted|painted-masked)-(?<id>[A-Za-z0-9_]+)(?<ext>\.png)$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerName();
}

/// <summary>The Cloud spec's answer of <c>/api/files/mask-layers</c>: each layer's file name, or null.</summary>
public sealed record MaskLayers(
    [property: JsonPropertyName("mask")] string? Mask,
    [property: JsonPropertyName("paint")] string? Paint,
    [property: JsonPropertyName("painted")] string? Painted,
    [property: JsonPropertyName("painted_masked")] string? PaintedMasked);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MaskLayers))]
public sealed partial class MaskJsonContext : JsonSerializerContext;
