using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// What SaveImage and PreviewImage share (ComfyUI's <c>SaveImage.save_images</c>): every frame of the batch
/// becomes a PNG in the node's folder, carrying the prompt and each <c>extra_pnginfo</c> entry (normally the
/// UI workflow) as text chunks, named <c>{prefix}_{counter:05}_.png</c> with consecutive counters.
/// </summary>
internal sealed class ImageSaver(string folderType, int compressionLevel)
{
    /// <summary>Saves the frames and returns their UI entries, in batch order.</summary>
    public UiOutput Save(ImageTensor images, string filenamePrefix, JValue? prompt, JValue? extraPngInfo, NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(images);
        context.Folders.EnsureCreated();
        var target = SaveImagePath.Resolve(filenamePrefix, context.Folders.Get(folderType), images.Width, images.Height, DateTime.Now);
        var options = new PngEncodeOptions { CompressionLevel = compressionLevel, TextChunks = TextChunks(prompt, extraPngInfo) };
        var files = new UiFile[images.Batch];
        var counter = target.Counter;
        for (var b = 0; b < images.Batch; b++)
        {
            context.ThrowIfCancellationRequested();
            var stem = target.Filename.Replace("%batch_num%", b.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var png = PngEncoder.Encode(images, b, options);
            (var fileName, counter) = PngFileWriter.WriteNew(target.Folder, stem, counter, png);
            files[b] = new UiFile(fileName, target.Subfolder, folderType);
            counter++;
        }

        return UiOutput.Images(files);
    }

    /// <summary>The <c>prompt</c> chunk, then one chunk per extra_pnginfo key, each value as Python's json.dumps writes it.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> TextChunks(JValue? prompt, JValue? extraPngInfo) =>
        SaveMetadata.Entries(prompt, extraPngInfo);
}
