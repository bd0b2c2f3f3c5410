using Gantry.Client;
using Gantry.Engine;
using Gantry.Hosting;

namespace Gantry.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md, checked on the built assemblies: each rule names the
/// offending "user -> used" type pairs when it breaks.
/// </summary>
public sealed class DependencyRulesTests(ITestOutputHelper output)
{
    private static readonly Lazy<FolderGraph> Server = new(() => FolderGraph.Of(typeof(GantryApp).Assembly, "Gantry"));
    private static readonly Lazy<FolderGraph> Engine = new(() => FolderGraph.Of(typeof(ComfyEngine).Assembly, "Gantry.Engine"));

    [Fact]
    public void The_server_assembly_is_read_with_its_folders()
    {
        // Guards every rule below against passing because nothing was read.
        output.WriteLine(Server.Value.Describe());
        string[] core =
            ["Gantry.Api", "Gantry.Auth", "Gantry.Cli", "Gantry.Domain", "Gantry.Events", "Gantry.Hosting", "Gantry.Http", "Gantry.Jobs",
             "Gantry.Mcp", "Gantry.Outputs", "Gantry.Scheduling", "Gantry.Store", "Gantry.Workers"];
        core.ShouldBeSubsetOf(Server.Value.Folders);
        Server.Value.Uses("Gantry.Store", "Gantry.Domain").ShouldNotBeEmpty();
        Server.Value.Uses("Gantry.Hosting", "Gantry.Api").ShouldNotBeEmpty();
    }

    /// <summary>
    /// The domain types (users, keys, jobs and their states, workers, stored files) and the shared HTTP error
    /// shape are leaves: nothing of the server, nothing of the client. The one engine part the domain may use is
    /// its JSON reader (<c>Gantry.Engine.Json</c>), which reads a stored workflow as ComfyUI does, for
    /// <c>JobRequirements</c>.
    /// </summary>
    [Theory]
    [InlineData("Gantry.Domain")]
    [InlineData("Gantry.Http")]
    public void Leaf_folders_depend_on_nothing_of_Gantry(string leaf)
    {
        var graph = Server.Value;
        var violations = graph.Violations(leaf, graph.Folders.Where(f => f != leaf))
            .Concat(UsesOf(graph, leaf, "Gantry.Client."))
            .Concat(UsesOf(graph, leaf, "Gantry.Engine.").Where(u => !u.Contains(" -> Gantry.Engine.Json.", StringComparison.Ordinal)))
            .ToList();
        violations.ShouldBeEmpty(string.Join('\n', violations));
    }

    [Fact]
    public void Store_depends_on_the_domain_not_on_features()
    {
        // Only Domain: no feature folder (Api, Auth, Jobs, Workers, Scheduling, Hosting, Mcp, Cli, …), including ones added later.
        var violations = Server.Value.Violations("Gantry.Store", Server.Value.Folders.Where(f => f is not ("Gantry.Store" or "Gantry.Domain")));
        violations.ShouldBeEmpty(string.Join('\n', violations));
    }

    [Fact]
    public void Only_Hosting_uses_Api()
    {
        var graph = Server.Value;
        var violations = graph.Folders.Where(f => f is not ("Gantry.Api" or "Gantry.Hosting"))
            .SelectMany(f => graph.Uses(f, "Gantry.Api"))
            .ToList();
        violations.ShouldBeEmpty(string.Join('\n', violations));
    }

    [Fact]
    public void Client_references_nothing_of_the_server()
    {
        var client = typeof(GantryApiClient).Assembly;
        client.GetReferencedAssemblies().Select(a => a.Name)
            .ShouldNotContain(n => n == typeof(GantryApp).Assembly.GetName().Name || n == typeof(ComfyEngine).Assembly.GetName().Name);
        var used = TypeDependencies.Read(client).Values.SelectMany(u => u)
            .Where(t => t.StartsWith("Gantry.", StringComparison.Ordinal) && !t.StartsWith("Gantry.Client.", StringComparison.Ordinal))
            .ToList();
        used.ShouldBeEmpty(string.Join('\n', used));
    }

    [Fact]
    public void Engine_references_nothing_of_the_server()
    {
        typeof(ComfyEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name)
            .ShouldNotContain(n => n == typeof(GantryApp).Assembly.GetName().Name || n == typeof(GantryApiClient).Assembly.GetName().Name);
    }

    [Fact]
    public void Server_folders_have_no_cycles()
    {
        var cycles = Server.Value.Cycles();
        cycles.ShouldBeEmpty(string.Join('\n', cycles));
    }

    [Fact]
    public void Engine_folders_have_no_cycles()
    {
        output.WriteLine(Engine.Value.Describe());
        Engine.Value.Folders.Count.ShouldBeGreaterThan(5);
        var cycles = Engine.Value.Cycles();
        cycles.ShouldBeEmpty(string.Join('\n', cycles));
    }

    [Fact]
    public void Engine_Json_is_the_bottom_layer()
    {
        // Python's values, operations and exceptions (JValue, PyOps, NodeException): every engine folder may use them,
        // they use none (docs/architecture.md).
        var graph = Engine.Value;
        graph.Folders.ShouldContain("Gantry.Engine.Json");
        var violations = graph.Violations("Gantry.Engine.Json", graph.Folders.Where(f => f != "Gantry.Engine.Json"));
        violations.ShouldBeEmpty(string.Join('\n', violations));
    }

    [Fact]
    public void The_shipped_engine_holds_no_test_reference_code()
    {
        // The naive oracles and benchmark baselines live in tests/Gantry.Engine.TestSupport.
        var naive = Engine.Value.Types.Where(t => t.Contains(".Reference.", StringComparison.Ordinal) || t.Contains(".Naive", StringComparison.Ordinal)).ToList();
        naive.ShouldBeEmpty(string.Join('\n', naive));
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        // The rule itself must be able to fail: a hand-made graph with a loop through three folders.
        var graph = FolderGraph.Of(
            new Dictionary<string, IReadOnlySet<string>>
            {
                ["X.A.One"] = new HashSet<string> { "X.B.Two" },
                ["X.B.Two"] = new HashSet<string> { "X.C.Three", "System.String" },
                ["X.C.Three"] = new HashSet<string> { "X.A.One" },
                ["X.D.Four"] = new HashSet<string> { "X.A.One" },
            },
            "X");
        var cycle = graph.Cycles().ShouldHaveSingleItem();
        cycle.ShouldContain("X.A, X.B, X.C");
        cycle.ShouldContain("X.C.Three -> X.A.One");
        cycle.ShouldNotContain("X.D");
    }

    private static IEnumerable<string> UsesOf(FolderGraph graph, string folder, params string[] prefixes) =>
        TypeDependencies.Read(typeof(GantryApp).Assembly)
            .Where(p => graph.Types.Contains(p.Key) && p.Key.StartsWith(folder + ".", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Where(u => prefixes.Any(x => u.StartsWith(x, StringComparison.Ordinal))).Select(u => $"{p.Key} -> {u}"));
}
