using System.CommandLine;

namespace Gantry.Cli;

/// <summary>
/// The <c>gantry</c> command line. Exit codes: 0 success, 1 job failed or cancelled,
/// 2 usage error, 3 connection or auth error; <c>serve</c> also 4 cannot listen, 5 data folder or database unusable.
/// </summary>
public static class GantryCli
{
    public const int Success = 0;
    public const int JobFailed = 1;
    public const int UsageError = 2;
    public const int ConnectionError = 3;
    public const int CannotListen = 4;
    public const int StoreUnavailable = 5;

    public static RootCommand Create()
    {
        var root = new RootCommand("Gantry: a self-hosted, Comfy-Cloud-compatible job service for ComfyUI.");
        root.Add(ServeCommand.Create());
        root.Add(SubmitCommand.Create());
        root.Add(StatusCommand.Create());
        root.Add(JobsCommand.Create());
        root.Add(QueueCommand.Create());
        root.Add(CancelCommand.Create());
        root.Add(OutputsCommand.Create());
        root.Add(UploadCommand.Create());
        root.Add(KeysCommand.Create());
        root.Add(UsersCommand.Create());
        root.Add(WorkersCommand.Create());
        root.Add(McpCommand.Create());
        root.Add(StoreCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns without a terminal; tables in pipes and logs should not wrap ids.
            Spectre.Console.AnsiConsole.Profile.Width = 240;
        }

        var root = Create();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run 'gantry --help' for usage.");
            return UsageError;
        }

        return await parsed.InvokeAsync();
    }
}
