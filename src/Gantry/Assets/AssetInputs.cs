using Gantry.Outputs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Assets;

/// <summary>
/// How an asset reaches a worker: workers read a job's input files from its owner's input folder
/// (<see cref="UserFiles.InputDirectory"/>; the embedded engine reads it, a ComfyUI worker gets each file the graph
/// names uploaded before the prompt). <see cref="MaterializeAsync"/> puts a copy of the asset's bytes there, under
/// <c>_assets/&lt;asset id&gt;/&lt;name&gt;</c>, and returns that name: the value a job's <c>LoadImage</c> (or any
/// file input) takes in place of a v2 <c>core/ASSET</c> reference.
/// </summary>
public sealed class AssetInputs(IAssetStore assets, IOptions<DataOptions> data)
{
    /// <summary>The input subfolder asset copies go to.</summary>
    public const string Folder = "_assets";

    /// <summary>
    /// The input-relative file name of the user's asset (<c>_assets/{id}/{name}</c>), copied there first if it is not
    /// yet; null when the user has no such asset. The copy is written to a temp file and renamed (0600).
    /// </summary>
    public async Task<string?> MaterializeAsync(long userId, Guid assetId, CancellationToken cancellationToken)
    {
        if (await assets.OpenContentAsync(userId, assetId, cancellationToken) is not { } content)
        {
            return null;
        }

        var subfolder = $"{Folder}/{assetId:D}";
        var name = $"{subfolder}/{content.Asset.Name}";
        var target = UserFiles.InputPath(data.Value, userId, subfolder, content.Asset.Name) ?? throw new UnsafeUploadPathException();
        if (File.Exists(target) && new FileInfo(target).Length == content.Asset.Size)
        {
            return name;
        }

        var folder = Path.GetDirectoryName(target)!;
        DataFolder.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.asset");
        try
        {
            await using (var source = new FileStream(content.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var copy = DataFolder.CreatePrivateFile(temporary))
            {
                await source.CopyToAsync(copy, cancellationToken);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return name;
    }
}
