using Gantry.Engine.Json;

namespace Gantry.Api.V2;

/// <summary>
/// Finds <c>core/ASSET</c> reference objects (<c>{"__type": "core/ASSET", "info": {"id": …}}</c>) among a workflow's node
/// inputs. Until the asset store is part of this build no asset can be resolved, so any reference is <c>missing_asset</c>.
/// </summary>
public static class AssetReferences
{
    public const string TypeName = "core/ASSET";

    /// <summary>The id of the first node with an asset reference among its inputs, or null.</summary>
    public static string? FindFirst(JObject workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        foreach (var (nodeId, node) in workflow)
        {
            if (node is JObject nodeObject && nodeObject["inputs"] is JObject inputs
                && inputs.Any(input => input.Value is JObject value && value["__type"]?.AsString == TypeName))
            {
                return nodeId;
            }
        }

        return null;
    }
}
