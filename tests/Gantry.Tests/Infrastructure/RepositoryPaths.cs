namespace Gantry.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from: the example workflows, the external-client scripts.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    public static string ClientScripts => Path.Combine(Root, "tests", "clients");

    /// <summary>The API contracts beside the repository: <c>../shared/spec</c> (openapi-cloud.yaml, openapi-v2.yaml).</summary>
    public static string SharedSpec => Path.GetFullPath(Path.Combine(Root, "..", "shared", "spec"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gantry.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Gantry.slnx above {AppContext.BaseDirectory}.");
    }
}
