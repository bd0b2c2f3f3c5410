using System.Text.Json;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.Embedded;

/// <summary>A finished engine run as the dispatcher wants it: history parts, imported files, the Cloud's error shapes.</summary>
internal static class EmbeddedOutcome
{
    public static async Task<WorkerJobOutcome> BuildAsync(
        ExecutionResult result, EmbeddedRun run, string workerName, OutputImporter importer, Action<Guid, Exception> importFailed, CancellationToken cancellationToken)
    {
        var job = run.Job;
        var outputs = result.OutputsJson().ToJsonBytes();
        ImportedOutputs imported;
        try
        {
            imported = await importer.ImportAsync(job.UserId, job.JobId, outputs, (file, _) => Task.FromResult<Stream?>(Open(run.Folders, file)), cancellationToken, run.Imported);
        }
        catch (JsonException ex)
        {
            // Outputs the strict reader cannot take (a NaN in a UI value): keep them as they are, without files.
            importFailed(job.JobId, ex);
            imported = new ImportedOutputs(outputs, []);
        }

        var end = result.Messages.LastOrDefault(m => m is ExecutionSuccessEvent or ExecutionErrorEvent or ExecutionInterruptedEvent);
        return new WorkerJobOutcome
        {
            Result = result.Outcome switch
            {
                ExecutionOutcome.Success => WorkerJobResult.Succeeded,
                ExecutionOutcome.Interrupted => WorkerJobResult.Interrupted,
                _ => WorkerJobResult.Failed,
            },
            ExecutionStartMs = result.Messages.OfType<ExecutionStartEvent>().FirstOrDefault()?.Timestamp,
            ExecutionEndMs = end switch
            {
                ExecutionSuccessEvent success => success.Timestamp,
                ExecutionErrorEvent error => error.Timestamp,
                ExecutionInterruptedEvent interrupted => interrupted.Timestamp,
                _ => null,
            },
            OutputsJson = imported.OutputsJson,
            StatusJson = result.StatusJson().ToJsonBytes(),
            MetaJson = result.MetaJson().ToJsonBytes(),
            ExecutionErrorJson = result.Error is { } failure ? CloudExecutionError(failure).ToJsonBytes() : null,
            ErrorMessage = result.Outcome switch
            {
                ExecutionOutcome.Error when result.Error is { } nodeError => ErrorLine(nodeError),
                ExecutionOutcome.Error => $"The prompt failed on worker '{workerName}'.",
                ExecutionOutcome.Interrupted => $"Interrupted on worker '{workerName}'{(result.Interruption is { NodeId: { } node } ? $" at node {node}" : "")}.",
                _ => null,
            },
            Files = imported.Files,
        };
    }

    /// <summary>The engine or the output import threw (not a node error): the job fails with what is known.</summary>
    public static WorkerJobOutcome Crashed(string workerName, Exception exception, long nowMs)
    {
        var message = $"Worker '{workerName}' could not finish the job: {exception.Message}";
        var error = new JObjectBuilder
        {
            ["node_id"] = "",
            ["node_type"] = "",
            ["exception_message"] = exception.Message,
            ["exception_type"] = exception.GetType().FullName ?? "Exception",
            ["traceback"] = JArray.Empty,
            ["current_inputs"] = JObject.Empty,
            ["current_outputs"] = JObject.Empty,
        }.Build();
        var status = new JObjectBuilder
        {
            ["status_str"] = "error",
            ["completed"] = false,
            ["messages"] = JArray.Empty,
        }.Build();
        return new WorkerJobOutcome
        {
            Result = WorkerJobResult.Failed,
            ExecutionEndMs = nowMs,
            OutputsJson = "{}"u8.ToArray(),
            StatusJson = status.ToJsonBytes(),
            MetaJson = "{}"u8.ToArray(),
            ExecutionErrorJson = error.ToJsonBytes(),
            ErrorMessage = message,
        };
    }

    /// <summary>
    /// The <c>execution_error</c> data as the Cloud's <c>ExecutionError</c>: its seven fields, with
    /// <c>current_inputs</c> and <c>current_outputs</c> as objects (ComfyUI sends the latter as a list of node ids,
    /// and <c>current_inputs</c> as a list for cycle errors; the raw event stays in the status messages).
    /// </summary>
    public static JObject CloudExecutionError(ExecutionErrorEvent error) => new JObjectBuilder
    {
        ["node_id"] = error.NodeId,
        ["node_type"] = error.NodeType,
        ["exception_message"] = error.ExceptionMessage,
        ["exception_type"] = error.ExceptionType,
        ["traceback"] = JArray.OfStrings(error.Traceback),
        ["current_inputs"] = error.CurrentInputs as JObject ?? JObject.Empty,
        ["current_outputs"] = JObject.Empty,
    }.Build();

    /// <summary><c>ValueError: bad value (node 2 TestFail)</c>.</summary>
    private static string ErrorLine(ExecutionErrorEvent error)
    {
        var text = error.ExceptionMessage.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "the node failed";
        var node = $" (node {error.NodeId} {error.NodeType})";
        return string.IsNullOrEmpty(error.ExceptionType) ? text + node : $"{error.ExceptionType}: {text}{node}";
    }

    public static FileStream? Open(EngineFolders folders, OutputFileRef file)
    {
        string path;
        try
        {
            path = folders.ResolveFile(file.Type, file.Subfolder, file.Filename);
        }
        catch (Exception ex) when (ex is NodeException or ArgumentException)
        {
            return null;
        }

        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }
}
