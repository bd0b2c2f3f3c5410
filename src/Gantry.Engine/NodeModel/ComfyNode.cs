using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>
/// Base class of every node: one class per ComfyUI class_type. The engine creates a fresh instance
/// for each node it executes, so instances may keep per-execution state but nothing shared.
/// A product node needs a public parameterless constructor and lives under <c>Gantry.Engine.Nodes</c>;
/// the catalog's <c>NodeCatalog.CreateDefault</c> finds it there.
/// <code>
/// public sealed class ImageInvert : ComfyNode
/// {
///     protected override NodeSchema Define() => new("ImageInvert")
///     {
///         DisplayName = "Invert Image", Category = "image",
///         Inputs = { Input.Image("image") }, Outputs = { Output.Of("IMAGE") },
///     };
///
///     public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
///     {
///         var image = inputs.Get&lt;ImageTensor&gt;("image");
///         ...
///         return NodeOutput.Of(result);
///     }
/// }
/// </code>
/// </summary>
public abstract class ComfyNode
{
    private NodeSchema? _schema;

    /// <summary>The declared schema (built once per instance from <see cref="Define"/>).</summary>
    public NodeSchema Schema => _schema ??= Define();

    /// <summary>Declares the node: class type, inputs, outputs, flags.</summary>
    protected abstract NodeSchema Define();

    /// <summary>
    /// Runs the node once (once per list index, unless the schema says IsInputList). Return one result
    /// per output slot; for an output declared <c>isList</c> return an <see cref="System.Collections.IEnumerable"/>
    /// whose items are concatenated. Throw <see cref="NodeException"/> to pick the reported exception type.
    /// Long loops should call <see cref="NodeContext.ThrowIfCancellationRequested"/> or report progress.
    /// </summary>
    public abstract NodeOutput Execute(NodeInputs inputs, NodeContext context);

    /// <summary>
    /// ComfyUI's IS_CHANGED / fingerprint_inputs: extra text that joins the cache key, computed from
    /// literal inputs only (linked inputs are null). Null (the default) adds nothing. Throwing (or
    /// returning a fresh value every time) makes the node re-run on every prompt, like ComfyUI's NaN.
    /// Example: LoadImage returns the SHA-256 of its file, so editing the file re-runs it.
    /// </summary>
    public virtual string? Fingerprint(NodeInputs inputs, NodeEnvironment environment) => null;

    /// <summary>
    /// ComfyUI's VALIDATE_INPUTS, called during validation when <see cref="NodeSchema.ValidatedInputs"/>
    /// (or ValidatesAllInputs) is set. Gets the coerced literal values of those inputs (links are null).
    /// </summary>
    public virtual ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment) => ValidationVerdict.Valid;
}

/// <summary>What a node sees outside execution (validation, fingerprinting): its id and the folders.</summary>
public sealed record NodeEnvironment(string NodeId, EngineFolders Folders);
