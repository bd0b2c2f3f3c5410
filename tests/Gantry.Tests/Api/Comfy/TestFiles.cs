using System.Text;
using Gantry.Outputs;
using Gantry.Tests.Infrastructure;
using SkiaSharp;

namespace Gantry.Tests.Api.Comfy;

/// <summary>Files for the file-route tests: real PNGs, and job outputs stored the way the dispatcher stores them.</summary>
public static class TestFiles
{
    public static byte[] Png(int width, int height, SKColor? color = null)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color ?? SKColors.Coral);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Imports <paramref name="files"/> (name → bytes, each an output of node 9 in the given subfolder) for a job of the user.</summary>
    public static async Task ImportOutputsAsync(GantryTestServer server, long userId, Guid jobId, string subfolder, IReadOnlyDictionary<string, byte[]> files)
    {
        var items = string.Join(", ", files.Keys.Select(name => $$"""{"filename": "{{name}}", "subfolder": "{{subfolder}}", "type": "output"}"""));
        var outputs = Encoding.UTF8.GetBytes($$$"""{"9": {"images": [{{{items}}}]}}""");
        await server.GetService<OutputImporter>().ImportAsync(
            userId,
            jobId,
            outputs,
            (reference, _) => Task.FromResult<Stream?>(new MemoryStream(files[reference.Filename])),
            CancellationToken.None);
    }
}
