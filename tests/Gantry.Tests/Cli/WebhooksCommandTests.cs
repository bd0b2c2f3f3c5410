using System.Net;
using System.Text.Json;
using Gantry.Tests.Api.V2;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Webhooks;

namespace Gantry.Tests.Cli;

/// <summary>
/// <c>gantry webhooks</c> as a real process against a real <c>gantry serve</c> (one embedded worker) and a receiver in the
/// test: the secret printed by <c>create</c> verifies the deliveries, <c>deliveries</c> and <c>redeliver</c> show and resend
/// them, <c>delete</c> ends the endpoint, and refusals exit non-zero with the server's message.
/// </summary>
public sealed class WebhooksCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_prints_the_secret_once_and_the_other_commands_list_show_resend_and_delete()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await ServeProcess.StartAsync(
            ["--data", data.Path, "--embedded-workers", "1"], new Dictionary<string, string?> { ["GANTRY__WEBHOOKS__ALLOWPRIVATEADDRESSES"] = "true" });
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), Ct)).Trim();
        var environment = new Dictionary<string, string?> { ["GANTRY_URL"] = server.BaseAddress.ToString(), ["GANTRY_API_KEY"] = adminKey };

        var (code, stdout, stderr) = await GantryProcess.RunAsync(["webhooks", "create", receiver.Url, "--description", "ci"], environment);
        code.ShouldBe(0, stderr);
        receiver.Secret = stdout.Split(' ', '\n').Single(w => w.StartsWith("whsec_", StringComparison.Ordinal)).Trim();
        var hooks = await JsonAsync(["webhooks", "list", "--json"], environment);
        var hook = hooks.GetProperty("webhooks").EnumerateArray().Single();
        var id = hook.GetProperty("id").GetString()!;
        stdout.ShouldContain($"Registered webhook {id} for job.started, job.succeeded, job.failed, job.canceled at {receiver.Url}.");
        hook.GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        hook.GetProperty("description").GetString().ShouldBe("ci");
        var (_, table, _) = await GantryProcess.RunAsync(["webhooks", "list"], environment);
        table.ShouldContain(id);
        table.ShouldNotContain(receiver.Secret);

        using (var client = server.Client(adminKey))
        {
            await V2Requests.SubmitOkAsync(client, JobWaiter.PrimitivesWorkflow);
        }

        var started = await receiver.NextAsync();
        var succeeded = await receiver.NextAsync();
        (started.Type, started.SignatureValid, succeeded.Type, succeeded.SignatureValid).ShouldBe(("job.started", true, "job.succeeded", true));

        // job.succeeded is sent only once job.started's attempt is recorded: that row is final.
        var deliveries = (await JsonAsync(["webhooks", "deliveries", id, "--json"], environment)).GetProperty("deliveries").EnumerateArray().ToList();
        var startedRow = deliveries.Single(d => d.GetProperty("event").GetString() == "job.started");
        (startedRow.GetProperty("status").GetString(), startedRow.GetProperty("attempts").GetInt32(), startedRow.GetProperty("last_status_code").GetInt32())
            .ShouldBe(("delivered", 1, 200));
        var startedId = startedRow.GetProperty("id").GetString()!;
        var (_, deliveryTable, _) = await GantryProcess.RunAsync(["webhooks", "deliveries", id, "--limit", "1"], environment);
        deliveryTable.ShouldContain("job.succeeded");
        deliveryTable.ShouldNotContain("job.started");

        var (redeliverCode, redelivered, redeliverError) = await GantryProcess.RunAsync(["webhooks", "redeliver", id, startedId], environment);
        redeliverCode.ShouldBe(0, redeliverError);
        redelivered.ShouldContain($"Delivery {startedId} is queued");
        var again = await receiver.NextAsync();
        (again.Id, again.Type, again.SignatureValid).ShouldBe((started.Id, "job.started", true));

        var (deleteCode, deleted, _) = await GantryProcess.RunAsync(["webhooks", "delete", id], environment);
        deleteCode.ShouldBe(0);
        deleted.ShouldContain($"Deleted webhook {id}.");
        (await JsonAsync(["webhooks", "list", "--json"], environment)).GetProperty("webhooks").GetArrayLength().ShouldBe(0);

        var (missingCode, _, missing) = await GantryProcess.RunAsync(["webhooks", "deliveries", id], environment);
        missingCode.ShouldBe(2);
        missing.ShouldContain("No such webhook endpoint");
    }

    [Fact]
    public async Task A_refused_create_exits_non_zero_with_the_servers_message_and_registers_nothing()
    {
        using var data = new TempDirectory();
        await using var server = await ServeProcess.StartAsync(["--data", data.Path]);
        var environment = new Dictionary<string, string?>
        {
            ["GANTRY_URL"] = server.BaseAddress.ToString(),
            ["GANTRY_API_KEY"] = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), Ct)).Trim(),
        };

        // Private addresses are refused by default; so is an unknown event.
        var (privateCode, _, privateError) = await GantryProcess.RunAsync(["webhooks", "create", "http://127.0.0.1:9/hook"], environment);
        privateCode.ShouldBe(2);
        privateError.ShouldContain("loopback, private or link-local");
        var (eventCode, _, eventError) = await GantryProcess.RunAsync(["webhooks", "create", "https://hooks.example.com/x", "--events", "job.exploded"], environment);
        eventCode.ShouldBe(2);
        eventError.ShouldContain("events must be a list of");

        using var client = server.Client((string)environment["GANTRY_API_KEY"]!);
        using var list = await client.GetAsync("api/webhooks", Ct);
        (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("webhooks").GetArrayLength().ShouldBe(0);
    }

    private static async Task<JsonElement> JsonAsync(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var (code, stdout, stderr) = await GantryProcess.RunAsync(args, environment);
        code.ShouldBe(0, stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
