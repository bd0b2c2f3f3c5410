using System.Globalization;

namespace Gantry.Load;

/// <summary>Which store a scenario runs Gantry on.</summary>
public enum StoreChoice
{
    Sqlite = 0,
    Postgres = 1,
}

/// <summary>
/// The command line of the load driver: <c>SCENARIO [--store sqlite|postgres] [--clients 1,16,64] [--seconds 10]
/// [--jobs N] [--users N] [--queued N] [--workers 1,2] [--sockets N] [--postgres CONNECTION] [--comfyui URL] [--image-size N] [--nodes A,B] [--set Key=Value]...</c>.
/// Sizes left out take the scenario's defaults (the sizes BENCHMARKS.md quotes).
/// </summary>
public sealed record LoadArguments
{
    public required string Scenario { get; init; }

    public IReadOnlyList<StoreChoice> Stores { get; init; } = [StoreChoice.Sqlite];

    /// <summary>Client counts; null: the scenario's own default.</summary>
    public IReadOnlyList<int>? Clients { get; init; }

    public IReadOnlyList<int> ClientsOr(params int[] fallback) => Clients ?? fallback;

    public double Seconds { get; init; } = 5;

    public int? Jobs { get; init; }

    public int? Users { get; init; }

    public int? Queued { get; init; }

    public IReadOnlyList<int> Workers { get; init; } = [1, 2];

    public int? Sockets { get; init; }

    /// <summary>Extra Gantry configuration (<c>--set Gantry:Scheduler:Prefetch=4</c>, repeatable), applied over the scenario's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The scenario's settings with <see cref="Settings"/> over them.</summary>
    public Dictionary<string, string> SettingsOver(IReadOnlyDictionary<string, string>? scenario)
    {
        var merged = new Dictionary<string, string>(scenario ?? new Dictionary<string, string>());
        foreach (var (key, value) in Settings)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>A running ComfyUI to compare with (<c>--comfyui http://127.0.0.1:8188</c>); the comfyui scenario needs it.</summary>
    public Uri? ComfyUi { get; init; }

    /// <summary>Side of the square images the per-node comparison works on (default 2048).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Which nodes the per-node comparison times (<c>--nodes ImageSharpen,ImageScale</c>); null: all.</summary>
    public IReadOnlyList<string>? Nodes { get; init; }

    /// <summary>A PostgreSQL connection string (default: the GANTRY_TEST_POSTGRES variable).</summary>
    public string? Postgres { get; init; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    public string? PostgresConnection => Postgres ?? Environment.GetEnvironmentVariable("GANTRY_TEST_POSTGRES");

    public static LoadArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a scenario first: " + string.Join(", ", LoadCli.ScenarioNames) + ".");
        }

        var parsed = new LoadArguments { Scenario = args[0] };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            parsed = name switch
            {
                "--store" => parsed with { Stores = List(value, ParseStore) },
                "--clients" => parsed with { Clients = List(value, Int) },
                "--seconds" => parsed with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) },
                "--jobs" => parsed with { Jobs = Int(value) },
                "--users" => parsed with { Users = Int(value) },
                "--queued" => parsed with { Queued = Int(value) },
                "--workers" => parsed with { Workers = List(value, Int) },
                "--sockets" => parsed with { Sockets = Int(value) },
                "--postgres" => parsed with { Postgres = value },
                "--comfyui" => parsed with { ComfyUi = new Uri(value.TrimEnd('/') + "/", UriKind.Absolute) },
                "--image-size" => parsed with { ImageSize = Int(value) },
                "--nodes" => parsed with { Nodes = List(value, text => text) },
                "--set" => parsed with { Settings = WithSetting(parsed.Settings, value) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        return parsed;
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string text)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ArgumentException($"--set takes Key=Value, not '{text}'.");
        }

        return new Dictionary<string, string>(settings) { [text[..at]] = text[(at + 1)..] };
    }

    private static StoreChoice ParseStore(string text) => text switch
    {
        "sqlite" => StoreChoice.Sqlite,
        "postgres" or "postgresql" => StoreChoice.Postgres,
        _ => throw new ArgumentException($"Unknown store '{text}': sqlite or postgres."),
    };

    private static int Int(string text) => int.Parse(text.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static T[] List<T>(string text, Func<string, T> parse) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToArray();
}
