using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Workers;

/// <summary>
/// What the fleet can run together: the union of the workers' node catalogs, where a class several workers
/// have is described by the first of them with its list inputs (combos: checkpoints, LoRAs, samplers …)
/// holding every value any of them lists; and the union of their model folders.
/// </summary>
public static class CatalogUnion
{
    private static readonly string[] Sections = ["required", "optional"];

    public static NodeInfoSet Nodes(IEnumerable<NodeInfoSet> catalogs)
    {
        var order = new List<string>();
        var byName = new Dictionary<string, List<NodeInfo>>(StringComparer.Ordinal);
        foreach (var catalog in catalogs)
        {
            foreach (var info in catalog)
            {
                if (!byName.TryGetValue(info.Name, out var versions))
                {
                    versions = [];
                    byName[info.Name] = versions;
                    order.Add(info.Name);
                }

                versions.Add(info);
            }
        }

        return new NodeInfoSet(order.Select(name => Merge(byName[name])));
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Models(IEnumerable<IReadOnlyDictionary<string, IReadOnlyList<string>>> models)
    {
        var union = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var folders in models)
        {
            foreach (var (folder, files) in folders)
            {
                if (!union.TryGetValue(folder, out var list))
                {
                    list = [];
                    union[folder] = list;
                    seen[folder] = new HashSet<string>(StringComparer.Ordinal);
                }

                list.AddRange(files.Where(seen[folder].Add));
            }
        }

        return union.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal);
    }

    /// <summary>The first worker's description, with each combo input's values united across all of them.</summary>
    private static NodeInfo Merge(List<NodeInfo> versions)
    {
        var first = versions[0];
        if (versions.Count == 1)
        {
            return first;
        }

        var json = first.ToJson();
        if (json["input"] is not JObject input)
        {
            return first;
        }

        var changed = false;
        foreach (var sectionName in Sections)
        {
            if (input[sectionName] is not JObject section)
            {
                continue;
            }

            var members = new List<KeyValuePair<string, JValue>>(section.Count);
            foreach (var (name, spec) in section)
            {
                var merged = MergeCombo(name, spec, versions);
                changed |= !ReferenceEquals(merged, spec);
                members.Add(new KeyValuePair<string, JValue>(name, merged));
            }

            input = Replace(input, sectionName, new JObject(members));
        }

        return changed ? NodeInfo.FromObjectInfo(first.Name, Replace(json, "input", input)) : first;
    }

    private static JValue MergeCombo(string inputName, JValue spec, List<NodeInfo> versions)
    {
        if (spec is not JArray { Count: > 0 } array)
        {
            return spec;
        }

        var values = new List<JValue>();
        var seen = new HashSet<JValue>();
        foreach (var version in versions)
        {
            if (version.FindInput(inputName) is { IsCombo: true, ComboValues: JArray list })
            {
                values.AddRange(list.Where(seen.Add));
            }
        }

        return ComboValuesOf(array) is { } own && values.Count != own.Count ? WithComboValues(array, new JArray(values)) : spec;
    }

    /// <summary>
    /// A node's <c>/object_info</c> entry with the values of its combo input <paramref name="inputName"/> replaced;
    /// the entry itself when it has no such combo.
    /// </summary>
    public static JObject WithComboValues(JObject nodeJson, string inputName, JArray values)
    {
        ArgumentNullException.ThrowIfNull(nodeJson);
        if (nodeJson["input"] is not JObject input)
        {
            return nodeJson;
        }

        foreach (var sectionName in Sections)
        {
            if (input[sectionName] is JObject section && section[inputName] is JArray spec && ComboValuesOf(spec) is not null)
            {
                var replaced = Replace(section, inputName, WithComboValues(spec, values));
                return Replace(nodeJson, "input", Replace(input, sectionName, replaced));
            }
        }

        return nodeJson;
    }

    // V1 combo: [[values…], options?]; V3 combo: ["COMBO", {"options": [values…], …}].
    private static JArray? ComboValuesOf(JValue spec) => spec switch
    {
        JArray { Count: > 0 } array when array[0] is JArray own => own,
        JArray { Count: > 1 } array when array[0].AsString == "COMBO" && array[1] is JObject options && options["options"] is JArray own => own,
        _ => null,
    };

    private static JArray WithComboValues(JArray spec, JArray values)
        => spec[0] is JArray
            ? new JArray(spec.Select((item, i) => i == 0 ? values : item))
            : new JArray(spec.Select((item, i) => i == 1 ? Replace((JObject)item, "options", values) : item));

    private static JObject Replace(JObject json, string key, JValue value)
        => new(json.Select(member => member.Key == key ? new KeyValuePair<string, JValue>(key, value) : member));
}
