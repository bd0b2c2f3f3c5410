namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// Writes <c>{stem}_{counter:05}_.png</c> (or another extension) without ever replacing a file: each name is created with
/// <see cref="FileMode.CreateNew"/>, and when another writer (a concurrent prompt saving with the same
/// prefix) already took it, the next counter is tried.
/// </summary>
internal static class PngFileWriter
{
    /// <summary>Writes <paramref name="png"/> under the first free counter from <paramref name="counter"/> on; returns the file name and the counter used.</summary>
    public static (string FileName, int Counter) WriteNew(string folder, string stem, int counter, ReadOnlySpan<byte> png, string extension = "png")
    {
        while (true)
        {
            var fileName = $"{stem}_{counter:D5}_.{extension}";
            var path = Path.Combine(folder, fileName);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
                counter++;
                continue;
            }

            try
            {
                using (stream)
                {
                    stream.Write(png);
                }
            }
            catch
            {
                File.Delete(path);
                throw;
            }

            return (fileName, counter);
        }
    }
}
