using System.CommandLine;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry upload FILE [--subfolder S] [--overwrite]</c>: puts an image in the caller's input folder and prints the
/// name a workflow's <c>LoadImage</c> takes for it (<c>--set 10.image=NAME</c>).
/// </summary>
public static class UploadCommand
{
    /// <summary>Larger files are refused before reading them; the server's own limit (50 MB by default) is lower.</summary>
    private const long MaxFileBytes = 1L << 30;

    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var file = new Argument<string>("file") { Description = "The image to upload (PNG, JPEG, WebP …)." };
        var subfolder = new Option<string?>("--subfolder") { Description = "A subfolder of your input folder to put it in." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a file of the same name instead of getting a new name." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("upload", "Upload an image for LoadImage; prints the name LoadImage takes.") { file, subfolder, overwrite, json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var path = parse.GetRequiredValue(file);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                await Console.Error.WriteLineAsync($"No file '{path}'.");
                return GantryCli.UsageError;
            }

            if (info.Length > MaxFileBytes)
            {
                await Console.Error.WriteLineAsync($"'{path}' is {info.Length} bytes; uploads are at most {MaxFileBytes} bytes (and the server's limit).");
                return GantryCli.UsageError;
            }

            var bytes = await File.ReadAllBytesAsync(path, token);
            var uploaded = await client.UploadImageAsync(bytes, info.Name, parse.GetValue(subfolder), parse.GetValue(overwrite), type: null, token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(uploaded, ClientJsonContext.Default.UploadedImage);
            }
            else
            {
                // What LoadImage's 'image' input takes: the name, under its subfolder when it has one.
                Console.WriteLine(uploaded.Subfolder.Length == 0 ? uploaded.Name : $"{uploaded.Subfolder}/{uploaded.Name}");
            }

            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }
}
