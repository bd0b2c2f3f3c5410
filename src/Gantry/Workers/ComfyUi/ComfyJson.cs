using System.Globalization;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Small helpers over the engine's Python-compatible JSON model, for what ComfyUI sends: Python's
/// <c>json.dumps</c> output, which may hold <c>NaN</c>/<c>Infinity</c> and integers beyond 64 bits.
/// </summary>
internal static class ComfyJson
{
    /// <summary>Parses ComfyUI JSON; null when it is not JSON at all.</summary>
    public static JValue? TryParse(ReadOnlySpan<byte> utf8) => JParser.TryParse(utf8, out var value, out _) ? value : null;

    public static string? String(JObject? obj, string key) => obj?[key] is JString s ? s.Value : null;

    public static JObject? Object(JObject? obj, string key) => obj?[key] as JObject;

    public static JArray? Array(JObject? obj, string key) => obj?[key] as JArray;

    /// <summary>A whole number (a JSON int, or a float with no fraction) that fits 64 bits.</summary>
    public static long? Int64(JValue? value) => value switch
    {
        JInt i when i.FitsInt64 => (long)i.Value,
        JFloat f when double.IsFinite(f.Value) && Math.Abs(f.Value) < 9.2e18 => (long)f.Value,
        _ => null,
    };

    /// <summary>The value as text: strings as they are, numbers and the rest as JSON.</summary>
    public static string Text(JValue value) => value is JString s ? s.Value : value.ToJsonString();

    /// <summary>
    /// The value with every <c>NaN</c>/<c>Infinity</c> replaced by its name as a string, so what Gantry stores and
    /// forwards is strict JSON that any parser (System.Text.Json, a browser's <c>JSON.parse</c>) reads.
    /// Returns the same instance when there is nothing to replace.
    /// </summary>
    public static JValue Strict(JValue value)
    {
        switch (value)
        {
            case JFloat f when !double.IsFinite(f.Value):
                return new JString(double.IsNaN(f.Value) ? "NaN" : f.Value > 0 ? "Infinity" : "-Infinity");
            case JArray array:
                {
                    JValue[]? changed = null;
                    for (var i = 0; i < array.Count; i++)
                    {
                        var item = Strict(array[i]);
                        if (!ReferenceEquals(item, array[i]))
                        {
                            changed ??= [.. array];
                            changed[i] = item;
                        }
                    }

                    return changed is null ? array : new JArray(changed);
                }

            case JObject obj:
                {
                    KeyValuePair<string, JValue>[]? changed = null;
                    for (var i = 0; i < obj.Count; i++)
                    {
                        var member = Strict(obj[i].Value);
                        if (!ReferenceEquals(member, obj[i].Value))
                        {
                            changed ??= [.. obj];
                            changed[i] = new KeyValuePair<string, JValue>(obj[i].Key, member);
                        }
                    }

                    return changed is null ? obj : new JObject(changed);
                }

            default:
                return value;
        }
    }

    /// <summary>Strict compact UTF-8 JSON of a value (see <see cref="Strict"/>).</summary>
    public static byte[] StrictBytes(JValue value) => Strict(value).ToJsonBytes();

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
