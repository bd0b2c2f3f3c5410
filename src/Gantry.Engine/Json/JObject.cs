using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Gantry.Engine.Json;

/// <summary>
/// An immutable JSON object (Python dict): members keep their insertion order and a repeated key
/// keeps its first position with the last value, as <c>json.loads</c> does.
/// </summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JObject : JValue, IReadOnlyList<KeyValuePair<string, JValue>>
{
    /// <summary>Up to this many members a key is found by a scan; a larger object keeps an index (most graphs' objects are small).</summary>
    private const int ScanLimit = 8;

    private readonly KeyValuePair<string, JValue>[] _members;
    private readonly Dictionary<string, int>? _index;

    public JObject(IEnumerable<KeyValuePair<string, JValue>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = members is ICollection<KeyValuePair<string, JValue>> collection
            ? new List<KeyValuePair<string, JValue>>(collection.Count)
            : [];
        Dictionary<string, int>? index = null;
        foreach (var member in members)
        {
            ArgumentNullException.ThrowIfNull(member.Value);
            var at = IndexOf(list, index, member.Key);
            if (at >= 0)
            {
                list[at] = member;
                continue;
            }

            list.Add(member);
            if (index is not null)
            {
                index[member.Key] = list.Count - 1;
            }
            else if (list.Count > ScanLimit)
            {
                index = new Dictionary<string, int>(list.Count * 2, StringComparer.Ordinal);
                for (var i = 0; i < list.Count; i++)
                {
                    index[list[i].Key] = i;
                }
            }
        }

        _members = [.. list];
        _index = index;
    }

    public static JObject Empty { get; } = new([]);

    public override JKind Kind => JKind.Object;

    public int Count => _members.Length;

    /// <summary>The member at <paramref name="index"/> in insertion order.</summary>
    public KeyValuePair<string, JValue> this[int index] => _members[index];

    /// <summary>The value of <paramref name="key"/>, or null when the key is absent.</summary>
    public JValue? this[string key] => TryGetValue(key, out var value) ? value : null;

    public IEnumerable<string> Keys => _members.Select(m => m.Key);

    public bool ContainsKey(string key) => IndexOf(_members, _index, key) >= 0;

    public bool TryGetValue(string key, [NotNullWhen(true)] out JValue? value)
    {
        var at = IndexOf(_members, _index, key);
        if (at >= 0)
        {
            value = _members[at].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>A copy with <paramref name="key"/> set: replaced in place when present, appended otherwise.</summary>
    public JObject With(string key, JValue value) => new(_members.Append(new KeyValuePair<string, JValue>(key, value)));

    public static JObjectBuilder CreateBuilder() => new();

    public IEnumerator<KeyValuePair<string, JValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, JValue>>)_members).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int IndexOf(IReadOnlyList<KeyValuePair<string, JValue>> members, Dictionary<string, int>? index, string key)
    {
        if (index is not null)
        {
            return index.TryGetValue(key, out var at) ? at : -1;
        }

        for (var i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public override bool Equals(JValue? other)
    {
        if (other is not JObject o || o.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!string.Equals(_members[i].Key, o._members[i].Key, StringComparison.Ordinal) || !_members[i].Value.Equals(o._members[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var member in _members)
        {
            hash.Add(member.Key, StringComparer.Ordinal);
            hash.Add(member.Value);
        }

        return hash.ToHashCode();
    }
}

/// <summary>Builds a <see cref="JObject"/>; supports collection initializers (<c>new JObjectBuilder { ["a"] = 1 }</c>).</summary>
public sealed class JObjectBuilder : IEnumerable<KeyValuePair<string, JValue>>
{
    private readonly List<KeyValuePair<string, JValue>> _members = [];

    public JValue this[string key]
    {
        set => Add(key, value);
    }

    public JObjectBuilder Add(string key, JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _members.Add(new KeyValuePair<string, JValue>(key, value));
        return this;
    }

    /// <summary>Adds the member only when <paramref name="value"/> is not null (Python's prune_dict).</summary>
    public JObjectBuilder AddIfNotNull(string key, JValue? value) => value is null ? this : Add(key, value);

    public JObject Build() => new(_members);

    public IEnumerator<KeyValuePair<string, JValue>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
