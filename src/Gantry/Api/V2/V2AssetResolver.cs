using Gantry.Assets;
using Gantry.Engine.Json;
using Gantry.Jobs.Submission;

namespace Gantry.Api.V2;

/// <summary>
/// Resolves a v2 submission's <c>core/ASSET</c> references before it is validated: each must name (by <c>info.id</c>)
/// a live asset of the caller, else the submit is 422 <c>missing_asset</c> (an unknown, another user's and an expired id
/// read the same). Each asset is copied into the caller's input folder (<see cref="AssetInputs"/>) and its reference
/// replaced by that file's name, so the job's loader (<c>LoadImage</c> and the like) reads the bytes like any upload;
/// the stored workflow is the graph as it runs.
/// </summary>
public sealed class V2AssetResolver(AssetInputs inputs, V2AssetViews views)
{
    /// <summary>Most distinct assets one workflow may reference.</summary>
    public const int MaxAssets = 256;

    /// <summary>The submission with its references resolved (itself when it has none), or why not (the 422 message).</summary>
    public async Task<(PromptSubmission? Submission, string? Problem)> ResolveAsync(long userId, PromptSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var references = AssetReferences.FindAll(submission.Prompt);
        if (references.Count == 0)
        {
            return (submission, null);
        }

        if (references.Select(r => r.AssetId).Distinct(StringComparer.Ordinal).Count() > MaxAssets)
        {
            return (null, $"A workflow may reference at most {MaxAssets} assets.");
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<(string Node, string Input), string>();
        foreach (var reference in references)
        {
            if (reference.AssetId is not { } id)
            {
                return (null, $"Node {reference.NodeId} input '{reference.Input}': a core/ASSET reference needs info.id, the asset's UUID.");
            }

            if (!names.TryGetValue(id, out var name))
            {
                if (await views.FindAsync(userId, id, cancellationToken) is not { } asset
                    || await inputs.MaterializeAsync(userId, asset.Id, cancellationToken) is not { } materialized)
                {
                    return (null, $"Node {reference.NodeId} input '{reference.Input}': the referenced asset does not exist or is not yours.");
                }

                names[id] = name = materialized;
            }

            values[(reference.NodeId, reference.Input)] = name;
        }

        var prompt = AssetReferences.Replace(submission.Prompt, values);
        return (submission with { Prompt = prompt, PromptJson = JWriter.ToJsonBytes(prompt) }, null);
    }
}
