using Gantry.Engine.Catalog;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Store;
using Gantry.Outputs;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Options;

namespace Gantry.Workers;

/// <summary>
/// The fleet's catalog as one user sees it. A built-in node whose description reads the input folder is described
/// against the user's uploads (<see cref="UserFiles.InputDirectory"/>, the folder their jobs read) instead of the
/// engine's own folder: its own input check (LoadImage: the file exists) and its file lists (LoadImage's
/// <c>image</c> combo). What submit-time validation checks against and what <c>/object_info</c> serves. The
/// <c>/object_info</c> body is serialised once per fleet catalog; per request only the user's entries are written.
/// </summary>
public sealed class UserScopedCatalog
{
    private readonly WorkerPool _pool;
    private readonly NodeCatalog _builtIn;
    private readonly EngineFolders _engineFolders;
    private readonly DataOptions _options;

    // Built-in classes with a combo listing a folder (LoadImage's image), by the names of those inputs.
    private readonly Dictionary<string, string[]> _folderLists;
    private volatile ObjectInfoTemplate? _template;

    public UserScopedCatalog(WorkerPool pool, EmbeddedWorkerFactory embedded, IOptions<DataOptions> options)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _builtIn = embedded.Engine.Catalog;
        _engineFolders = embedded.Engine.Folders;
        _options = options.Value;
        _folderLists = _builtIn.ClassTypes
            .Select(c => (Class: c, Inputs: _builtIn.GetSchema(c)!.Inputs.Where(i => i.ComboSource is not null).Select(i => i.Name).ToArray()))
            .Where(c => c.Inputs.Length > 0)
            .ToDictionary(c => c.Class, c => c.Inputs, StringComparer.Ordinal);
    }

    /// <summary>
    /// The fleet's nodes as <paramref name="userId"/> sees them, for one use (a submission, a request): each
    /// rebound class is described once, on first lookup, since describing lists the user's files. Null until a
    /// worker has reported a catalog.
    /// </summary>
    public INodeInfoSource? For(long userId) => _pool.Nodes is { } nodes ? new UserSource(this, nodes, FoldersOf(userId)) : null;

    /// <summary>The whole <c>/object_info</c> body for the user (UTF-8 JSON); <c>{}</c> before any worker reported a catalog.</summary>
    public byte[] ObjectInfoJson(long userId)
    {
        var catalog = _pool.Catalog;
        if (catalog.Nodes is not { } nodes)
        {
            return catalog.ObjectInfoJson;
        }

        var template = _template;
        if (template is null || !ReferenceEquals(template.Catalog, catalog))
        {
            template = ObjectInfoTemplate.Build(catalog, nodes, _folderLists.ContainsKey);
            _template = template;
        }

        if (!template.HasUserParts)
        {
            return catalog.ObjectInfoJson;
        }

        var source = new UserSource(this, nodes, FoldersOf(userId));
        return template.Fill(name => source.Find(name)!.ToJson());
    }

    /// <summary>One class's <c>/object_info</c> body for the user; <c>{}</c> when no worker has it.</summary>
    public byte[] ObjectInfoJson(string classType, long userId)
        => For(userId)?.Find(classType) is { } info ? new JObject([new(info.Name, info.ToJson())]).ToJsonBytes() : "{}"u8.ToArray();

    private EngineFolders FoldersOf(long userId) => _engineFolders with { Input = UserFiles.InputDirectory(_options, userId) };

    /// <summary>
    /// The fleet's description of a class, rebound to the user's folders. A description the built-in engine made
    /// (it carries the node's own check) is made again for those folders; another worker's (a ComfyUI worker's
    /// LoadImage lists that worker's input folder) keeps its own text with the folder lists replaced by the user's,
    /// and gets the built-in node's own check of those inputs (LoadImage: "Invalid image file: …" for a file the
    /// user never uploaded), which a description read from <c>/object_info</c> cannot carry.
    /// </summary>
    private NodeInfo Rebind(NodeInfo fleetInfo, EngineFolders folders)
    {
        var builtInCheck = fleetInfo.CustomValidation?.Validate is not null;
        var listed = _folderLists.GetValueOrDefault(fleetInfo.Name);
        var borrowsCheck = !builtInCheck && fleetInfo.CustomValidation is not null;
        if ((!builtInCheck && listed is null && !borrowsCheck) || _builtIn.Describe(fleetInfo.Name, folders) is not { } own)
        {
            return fleetInfo;
        }

        if (builtInCheck)
        {
            return own;
        }

        var rebound = fleetInfo;
        if (listed is not null)
        {
            var json = fleetInfo.ToJson();
            foreach (var input in listed)
            {
                if (own.FindInput(input)?.ComboValues is JArray values)
                {
                    json = CatalogUnion.WithComboValues(json, input, values);
                }
            }

            rebound = NodeInfo.FromObjectInfo(fleetInfo.Name, json);
        }

        return own.CustomValidation is { Validate: not null } check && check.InputNames.All(i => rebound.FindInput(i) is not null)
            ? rebound.WithCustomValidation(check)
            : rebound;
    }

    private sealed class UserSource(UserScopedCatalog owner, NodeInfoSet nodes, EngineFolders folders) : INodeInfoSource
    {
        private readonly Dictionary<string, NodeInfo?> _rebound = new(StringComparer.Ordinal);

        public NodeInfo? Find(string classType)
        {
            var info = nodes.Find(classType);
            if (info is null || !owner._builtIn.Contains(classType))
            {
                return info;
            }

            if (!_rebound.TryGetValue(classType, out var rebound))
            {
                rebound = owner.Rebind(info, folders);
                _rebound[classType] = rebound;
            }

            return rebound;
        }
    }
}
