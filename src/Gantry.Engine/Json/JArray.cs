using System.Collections;
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gantry.Engine.Json;

/// <summary>An immutable JSON array (Python list).</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JArray : JValue, IReadOnlyList<JValue>
{
    private readonly ImmutableArray<JValue> _items;

    public JArray(IEnumerable<JValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
    }

    public static JArray Empty { get; } = new([]);

    public static JArray Of(params JValue[] items) => new(items);

    public override JKind Kind => JKind.Array;

    public int Count => _items.Length;

    public JValue this[int index] => _items[index];

    /// <summary>An array of strings.</summary>
    public static JArray OfStrings(IEnumerable<string> values) => new(values.Select(v => (JValue)new JString(v)));

    public ImmutableArray<JValue>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<JValue> IEnumerable<JValue>.GetEnumerator() => ((IEnumerable<JValue>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    public override bool Equals(JValue? other)
    {
        if (other is not JArray a || a.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!_items[i].Equals(a._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
