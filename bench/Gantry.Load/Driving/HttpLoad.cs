namespace Gantry.Load.Driving;

/// <summary>Closed-loop GET load over HTTP: one connection per client, each client with its own key and its own sequence of paths.</summary>
public static class HttpLoad
{
    /// <param name="keyOf">Client i's API key (null: none).</param>
    /// <param name="pathsOf">Client i's path source: each call gives its next path.</param>
    public static async Task<LoadResult> RunGetAsync(Uri server, int clients, TimeSpan duration, Func<int, string?> keyOf, Func<int, Func<string>> pathsOf)
    {
        var httpClients = Enumerable.Range(0, clients).Select(i => LoadHttp.CreateClient(server, keyOf(i))).ToArray();
        try
        {
            return await LoadRunner.RunAsync(clients, duration, i =>
            {
                var client = httpClients[i];
                var nextPath = pathsOf(i);
                return cancellationToken => LoadHttp.GetAsync(client, nextPath(), cancellationToken);
            });
        }
        finally
        {
            foreach (var client in httpClients)
            {
                client.Dispose();
            }
        }
    }
}
