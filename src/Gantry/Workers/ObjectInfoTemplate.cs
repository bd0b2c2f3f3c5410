using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Workers;

/// <summary>
/// A fleet catalog's <c>/object_info</c> body cut into parts: runs of classes serialised once (the same for
/// everyone), and in between, in catalog order, the classes whose entry differs per user, written per request.
/// </summary>
internal sealed class ObjectInfoTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private ObjectInfoTemplate(FleetCatalog catalog, IReadOnlyList<Part> parts)
    {
        Catalog = catalog;
        _parts = parts;
    }

    /// <summary>The catalog this template was cut from.</summary>
    public FleetCatalog Catalog { get; }

    /// <summary>Whether any class differs per user; when none does, the catalog's own body is the answer.</summary>
    public bool HasUserParts => _parts.Any(p => p.UserClass is not null);

    public static ObjectInfoTemplate Build(FleetCatalog catalog, NodeInfoSet nodes, Func<string, bool> differsPerUser)
    {
        var parts = new List<Part>();
        var run = new List<KeyValuePair<string, JValue>>();
        foreach (var info in nodes)
        {
            if (differsPerUser(info.Name))
            {
                FlushRun(run, parts);
                parts.Add(new Part(null, info.Name));
            }
            else
            {
                run.Add(new(info.Name, info.ToJson()));
            }
        }

        FlushRun(run, parts);
        return new ObjectInfoTemplate(catalog, parts);
    }

    /// <summary>The whole body, with <paramref name="entryOf"/> giving the user's entry for each class that differs.</summary>
    public byte[] Fill(Func<string, JValue> entryOf)
    {
        using var body = new MemoryStream();
        body.WriteByte((byte)'{');
        var first = true;
        foreach (var part in _parts)
        {
            var members = part.Members ?? MembersOf([new(part.UserClass!, entryOf(part.UserClass!))]);
            if (!first)
            {
                body.WriteByte((byte)',');
            }

            body.Write(members);
            first = false;
        }

        body.WriteByte((byte)'}');
        return body.ToArray();
    }

    private static void FlushRun(List<KeyValuePair<string, JValue>> run, List<Part> parts)
    {
        if (run.Count > 0)
        {
            parts.Add(new Part(MembersOf(run), null));
            run.Clear();
        }
    }

    /// <summary>The members of a JSON object without its braces: <c>"A":{…},"B":{…}</c>.</summary>
    private static byte[] MembersOf(IEnumerable<KeyValuePair<string, JValue>> members)
    {
        var json = new JObject(members).ToJsonBytes();
        return json[1..^1];
    }

    private sealed record Part(byte[]? Members, string? UserClass);
}
