using System.Net.Http.Headers;
using System.Text;

namespace Gantry.Tests.Fuzz;

/// <summary>Mutated multipart uploads: odd names and folders, missing or repeated parts, bad framing, truncation, garbage images.</summary>
public static class MultipartMutator
{
    public static (HttpContent Content, string Kind) Build(Random random, byte[] png)
    {
        var choice = random.Next(12);
        if (choice < 2)
        {
            return (Framing(random, png), "multipart-framing");
        }

        var form = new MultipartFormDataContent($"fz{random.Next(1000)}") { HeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        var image = random.Next(6) switch
        {
            0 => [],
            1 => [.. png[..(png.Length / 2)]],
            2 => [.. Enumerable.Range(0, random.Next(1, 4000)).Select(_ => (byte)random.Next(256))],
            _ => png,
        };
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(random.Next(4) == 0 ? "application/octet-stream" : "image/png");
        var part = random.Next(10) == 0 ? "file" : "image";
        var name = FileName(random);
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{part}\"; filename=\"{name}\"");
        form.Add(file);
        if (random.Next(8) == 0)
        {
            form.Add(new ByteArrayContent(png), "image", "second.png");
        }

        foreach (var field in new[] { "type", "subfolder", "overwrite" })
        {
            if (random.Next(2) == 0)
            {
                form.Add(new StringContent(FieldValue(random, field)), field);
            }
        }

        return (form, "multipart-fields");
    }

    private static string FileName(Random random) => random.Next(14) switch
    {
        0 => new string('n', random.Next(250, 600)) + ".png",
        1 => new string('\u00e9', 130) + ".png",
        2 => "../../escape.png",
        3 => "/abs.png",
        4 => "C:\\win.png",
        5 => "",
        6 => " ",
        7 => "a/b/c.png",
        8 => "dir",
        9 => "name%00.png",
        10 => "\U0001F600.png",
        _ => $"f{random.Next(5)}.png",
    };

    private static string FieldValue(Random random, string field) => field switch
    {
        "type" => random.Next(6) switch { 0 => "temp", 1 => "output", 2 => "models", 3 => "", _ => "input" },
        "overwrite" => random.Next(4) switch { 0 => "true", 1 => "1", 2 => "yes", _ => "false" },
        _ => random.Next(10) switch
        {
            0 => "../..",
            1 => "/etc",
            2 => new string('s', 300),
            3 => string.Join('/', Enumerable.Range(0, 40).Select(i => $"d{i}")),
            4 => "f0.png",
            5 => "dir/sub",
            6 => "a//b/./c",
            7 => "x\u0000y",
            _ => "dir",
        },
    };

    /// <summary>A body whose multipart framing is wrong: truncated, missing boundary, huge headers, no closing boundary.</summary>
    private static ByteArrayContent Framing(Random random, byte[] png)
    {
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"t.png\"\r\nContent-Type: image/png\r\n\r\n");
        byte[] body = random.Next(6) switch
        {
            0 => [.. head, .. png],
            1 => head[..random.Next(1, head.Length)],
            2 => [.. Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + new string('h', 20_000) + "\"\r\n\r\n"), .. png, .. "\r\n--b--\r\n"u8],
            3 => [.. head, .. png, .. "\r\n--b--\r\n"u8],
            4 => "--b--\r\n"u8.ToArray(),
            _ => [.. Enumerable.Range(0, 200).SelectMany(i => Encoding.ASCII.GetBytes($"--b\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n")), .. "--b--\r\n"u8],
        };
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", random.Next(5) == 0 ? "multipart/form-data" : "multipart/form-data; boundary=b");
        return content;
    }
}
